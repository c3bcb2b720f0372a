using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Scm.Orders;

/// <summary>One CRM fraud hold as SCM knows it: whether it blocks the customer, as of which hold revision.</summary>
public sealed record KnownHold(string HoldGuid, bool InForce, long Revision);

/// <summary>
/// SCM's projection of CRM's fraud holds on one customer (from <c>fraud.hold_placed|hold_resolved|hold_moved</c>), so
/// that placing an order checks a hold with one record read and never calls CRM. Keyed by the customer's guid; each hold
/// is kept at its newest revision, so a late or repeated event changes nothing.
/// </summary>
public sealed record CustomerHoldProjection : Record
{
    /// <summary>Holds a customer has had, newest kept; released ones beyond this are dropped.</summary>
    public const int MaxKept = 20;

    public required string CustomerGuid { get; init; }

    public IReadOnlyList<KnownHold> Holds { get; init; } = [];

    [JsonIgnore]
    public override string Key => CustomerGuid;

    /// <summary>The hold that blocks the customer, if any.</summary>
    [JsonIgnore]
    public string? InForce => Holds.FirstOrDefault(h => h.InForce)?.HoldGuid;

    public static RecordType<CustomerHoldProjection> Type { get; } = new RecordType<CustomerHoldProjection>("crm_customer_hold").Derived();

    public bool HoldsSameOrNewer(string holdGuid, long revision) => Holds.Any(h => h.HoldGuid == holdGuid && h.Revision >= revision);

    public CustomerHoldProjection With(KnownHold hold)
    {
        var others = Holds.Where(h => h.HoldGuid != hold.HoldGuid).ToList();
        var released = others.Where(h => !h.InForce).Skip(Math.Max(0, others.Count + 1 - MaxKept)).ToList();
        return this with { Holds = [.. others.Where(h => h.InForce), .. released, hold] };
    }
}

/// <summary>CRM's <c>fraud.hold_*</c> event data, the fields SCM needs.</summary>
public sealed record CrmHoldChanged(string? HoldGuid, string? CustomerGuid, bool InForce, long Revision, string? MovedFrom);

/// <summary>Keeps <see cref="CustomerHoldProjection"/> from CRM's hold events (at least once, in any order).</summary>
public static class CustomerHoldSubscriber
{
    public static readonly IReadOnlyList<string> Topics = ["fraud.hold_placed", "fraud.hold_resolved", "fraud.hold_moved"];

    public static IEndpointRouteBuilder MapCustomerHoldSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        var endpoint = routes.MapPost("/events/crm-fraud-hold", OnHoldChanged).RequireInternal().ExcludeFromDescription();
        foreach (var topic in Topics)
        {
            endpoint.WithTopic(pubSub, topic);
        }
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnHoldChanged(HttpContext http, RecordStore<CustomerHoldProjection> projections, CancellationToken ct)
    {
        var (orgcode, hold) = await OrgEventBody.ReadAsync<CrmHoldChanged>(http, ct);
        if (orgcode is null || hold is not { HoldGuid: { Length: > 0 } holdGuid, CustomerGuid: { Length: > 0 } customer })
        {
            return TypedResults.BadRequest();
        }
        var known = new KnownHold(holdGuid, hold.InForce, hold.Revision);
        await KeepAsync(projections, orgcode, Normalize(customer), known, ct);
        if (hold.MovedFrom is { Length: > 0 } from)
        {
            // Moved by a merge: it no longer blocks the merged customer.
            await KeepAsync(projections, orgcode, Normalize(from), known with { InForce = false }, ct);
        }
        return TypedResults.Ok();
    }

    private static Task KeepAsync(RecordStore<CustomerHoldProjection> projections, string orgcode, string customer, KnownHold hold, CancellationToken ct) =>
        projections.KeepNewestAsync(orgcode, customer, p => p.HoldsSameOrNewer(hold.HoldGuid, hold.Revision),
            p => (p ?? new CustomerHoldProjection { CustomerGuid = customer }).With(hold), ct);

    private static string Normalize(string guid) => guid.Trim().ToLowerInvariant();
}
