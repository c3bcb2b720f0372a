using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Crm.Merge;

/// <summary>The part of CRM's customer events the dedupe reads: which customer (the record is then read as it is now).</summary>
public sealed record CustomerChangedRef(string? CustomerGuid);

/// <summary>
/// CRM's own <c>customer.created</c> and <c>customer.updated</c> re-score the customer's dedupe pairs; <c>customer.merged</c>
/// retires the merged customer's pairs and re-scores the survivor's (it gained fields). Events are signals only: the
/// finder reads the customers as they are now and writes a pair only when it changes, so a repeated or late delivery
/// changes nothing. A write that keeps losing throws, and the event is delivered again.
/// </summary>
public static class DedupeSubscribers
{
    public static IEndpointRouteBuilder MapDedupeSubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/dedupe-customer-created", OnCustomerChanged).WithTopic(pubSub, CrmEvents.CustomerCreated)
            .RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/dedupe-customer-updated", OnCustomerChanged).WithTopic(pubSub, CrmEvents.CustomerUpdated)
            .RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/dedupe-customer-merged", OnCustomerMerged).WithTopic(pubSub, CrmEvents.CustomerMerged)
            .RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnCustomerChanged(HttpContext http, DedupeFinder finder, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<CustomerChangedRef>(http, ct);
        if (orgcode is null || changed?.CustomerGuid is not { } guid || !Guid.TryParse(guid, out var key))
        {
            return TypedResults.BadRequest();
        }
        await finder.RefreshAsync(orgcode, key.ToString(), ct);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnCustomerMerged(HttpContext http, DedupeFinder finder, CancellationToken ct)
    {
        var (orgcode, merged) = await OrgEventBody.ReadAsync<CustomerMergedEvent>(http, ct);
        if (orgcode is null || merged is not { MergedGuid: not null, SurvivorGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await finder.RefreshAsync(orgcode, merged.MergedGuid, ct);
        await finder.RefreshAsync(orgcode, merged.SurvivorGuid, ct);
        return TypedResults.Ok();
    }
}
