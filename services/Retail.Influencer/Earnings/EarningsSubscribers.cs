using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Influencer.Earnings;

/// <summary>
/// SCM's events that move earnings: <c>order.placed</c> with a campaign code attributes the sale (once per order),
/// <c>return.received</c> claws back the returned share of its commission (once per return), <c>order.cancelled</c> cancels
/// a still-pending commission. Business refusals (an unknown or inactive campaign, an unattributed order) are answered 200
/// and logged: a redelivery would not change them. A change that keeps losing races throws, so the event comes again.
/// </summary>
public static class EarningsSubscribers
{
    public static IEndpointRouteBuilder MapEarningsSubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/influencer-order-placed", OnOrderPlaced).WithTopic(pubSub, "order.placed").RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/influencer-order-cancelled", OnOrderCancelled).WithTopic(pubSub, "order.cancelled").RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/influencer-return-received", OnReturnReceived).WithTopic(pubSub, "return.received").RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnOrderPlaced(HttpContext http, EarningsLedger ledger, ILogger<EarningsLedger> logger, CancellationToken ct)
    {
        var (orgcode, order) = await OrgEventBody.ReadAsync<ScmOrder>(http, ct);
        if (orgcode is null || order?.OrderGuid is null)
        {
            return TypedResults.BadRequest();
        }
        if (string.IsNullOrWhiteSpace(order.CampaignCode))
        {
            return TypedResults.Ok();
        }
        var result = await ledger.AttributeAsync(orgcode, order, Codes.Normalize(order.CampaignCode), AttributionSource.Event, "service:scm", ct);
        return Settled(result, logger, "attribution", order.OrderGuid, orgcode);
    }

    public static async Task<Results<Ok, BadRequest>> OnOrderCancelled(HttpContext http, EarningsLedger ledger, ILogger<EarningsLedger> logger,
        CancellationToken ct)
    {
        var (orgcode, order) = await OrgEventBody.ReadAsync<ScmOrder>(http, ct);
        if (orgcode is null || order?.OrderGuid is null)
        {
            return TypedResults.BadRequest();
        }
        var result = await ledger.CancelSaleAsync(orgcode, order.OrderGuid, "order cancelled", "service:scm", ct);
        return Settled(result, logger, "cancellation", order.OrderGuid, orgcode);
    }

    public static async Task<Results<Ok, BadRequest>> OnReturnReceived(HttpContext http, EarningsLedger ledger, ILogger<EarningsLedger> logger,
        CancellationToken ct)
    {
        var (orgcode, received) = await OrgEventBody.ReadAsync<ScmReturn>(http, ct);
        if (orgcode is null || received is not { ReturnGuid: not null, OrderGuid: not null, Lines: not null })
        {
            return TypedResults.BadRequest();
        }
        if (await ledger.AttributionOfAsync(orgcode, received.OrderGuid, ct) is not { EarningGuid: { } commission })
        {
            return TypedResults.Ok(); // not an attributed sale
        }
        var returned = received.Lines.Sum(l => l.ReturnedNetMinor);
        if (returned <= 0)
        {
            return TypedResults.Ok();
        }
        var result = await ledger.ClawbackAsync(orgcode, commission, EarningsLedger.ReturnClawbackReference(received.ReturnGuid, commission), returned, null,
            false, received.ReturnGuid, "goods returned", "service:scm", ct);
        return Settled(result, logger, "clawback", received.ReturnGuid, orgcode);
    }

    private static Ok Settled(EarningResult result, ILogger logger, string what, string reference, string orgcode)
    {
        if (result.Problem is not null)
        {
            if (result.Code == "earnings_contended")
            {
                throw new InvalidOperationException($"the {what} for {reference} in {orgcode} kept conflicting; the event comes again");
            }
            logger.LogInformation("Influencer {What} for {Reference} in {Orgcode} skipped: {Code}", what, reference, orgcode, result.Code);
        }
        return TypedResults.Ok();
    }
}
