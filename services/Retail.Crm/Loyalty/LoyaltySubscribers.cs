using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Crm.Loyalty;

/// <summary>What loyalty reads of SCM's <c>order.placed</c> (services/Retail.Scm/Orders/OrderEvents.cs, OrderChanged).</summary>
public sealed record ScmOrderPlaced(string? OrderGuid, string? OrderNumber, string? Currency, long? TotalMinor, ScmCustomerRef? Customer);

public sealed record ScmCustomerRef(string? CustomerGuid, string? Email);

/// <summary>What loyalty reads of SCM's <c>return.received</c> (services/Retail.Scm/Payments/PaymentEvents.cs, ReturnChanged).</summary>
public sealed record ScmReturnReceived(string? ReturnGuid, string? OrderGuid, string? Currency, IReadOnlyList<ScmReturnLine>? Lines);

/// <summary>A returned line: its share of the line's net and exclusive tax for <see cref="Quantity"/>, and what came back.</summary>
public sealed record ScmReturnLine(int LineNo, long Quantity, long NetMinor, long TaxMinor, long? ReceivedQuantity)
{
    /// <summary>The value of what came back: the line's worth scaled to the quantity received (all of it when not said).</summary>
    public long ReturnedMinor => Quantity <= 0 ? 0 : (NetMinor + TaxMinor) * (ReceivedQuantity ?? Quantity) / Quantity;
}

/// <summary>
/// SCM's events that move points: <c>order.placed</c> earns for the order's total (reference: the order guid, so a repeated
/// delivery answers the first earn), <c>return.received</c> reverses the share of that earn the returned goods stand for
/// (reference: the return guid, so exactly once). Business refusals (no customer, a currency the policy does not earn in)
/// are answered 200 and logged: a redelivery would not change them. A change that keeps losing races throws, so the event
/// comes again.
/// </summary>
public static class LoyaltySubscribers
{
    public static IEndpointRouteBuilder MapLoyaltySubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/loyalty-order-placed", OnOrderPlaced).WithTopic(pubSub, "order.placed").RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/loyalty-return-received", OnReturnReceived).WithTopic(pubSub, "return.received").RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnOrderPlaced(HttpContext http, LoyaltyLedger ledger, ILogger<LoyaltyLedger> logger, CancellationToken ct)
    {
        var (orgcode, placed) = await OrgEventBody.ReadAsync<ScmOrderPlaced>(http, ct);
        if (orgcode is null || placed is not { OrderGuid: not null, Currency: not null, TotalMinor: not null })
        {
            return TypedResults.BadRequest();
        }
        if (placed.Customer?.CustomerGuid is not { } named || placed.TotalMinor <= 0)
        {
            return TypedResults.Ok();
        }
        var customer = await ledger.SurvivorOfAsync(orgcode, named.Trim().ToLowerInvariant(), ct);
        if (customer is null)
        {
            logger.LogInformation("Order {OrderGuid} of {Orgcode} names no known customer ({CustomerGuid}); no points earned", placed.OrderGuid, orgcode, named);
            return TypedResults.Ok();
        }
        var policy = await ledger.PolicyAsync(orgcode, ct);
        var currency = placed.Currency.Trim().ToUpperInvariant();
        if (policy.EarnRateFor(currency) is null)
        {
            return TypedResults.Ok();
        }
        var result = await ledger.EarnAsync(orgcode, customer.CustomerGuid, placed.OrderGuid, placed.TotalMinor, currency, null,
            $"order {placed.OrderNumber} placed", "service:scm", ct);
        return Settled(result, logger, "earn", placed.OrderGuid, orgcode);
    }

    public static async Task<Results<Ok, BadRequest>> OnReturnReceived(HttpContext http, LoyaltyLedger ledger, ILogger<LoyaltyLedger> logger,
        CancellationToken ct)
    {
        var (orgcode, received) = await OrgEventBody.ReadAsync<ScmReturnReceived>(http, ct);
        if (orgcode is null || received is not { ReturnGuid: not null, OrderGuid: not null, Lines: not null })
        {
            return TypedResults.BadRequest();
        }
        var returned = received.Lines.Sum(l => l.ReturnedMinor);
        if (returned <= 0)
        {
            return TypedResults.Ok();
        }
        var result = await ledger.ReverseAsync(orgcode, received.OrderGuid, received.ReturnGuid, null, returned, "goods returned", "service:scm", ct);
        if (result.Problem?.ProblemDetails.Extensions.TryGetValue("code", out var code) == true && code as string == "unknown_reference")
        {
            return TypedResults.Ok(); // the order earned nothing (no customer, or placed before loyalty): nothing to reverse
        }
        return Settled(result, logger, "reversal", received.ReturnGuid, orgcode);
    }

    private static Ok Settled(LedgerResult result, ILogger logger, string what, string reference, string orgcode)
    {
        if (result.Problem is { } problem)
        {
            if (problem.StatusCode == StatusCodes.Status409Conflict && problem.ProblemDetails.Extensions["code"] as string == "loyalty_contended")
            {
                throw new InvalidOperationException($"the loyalty {what} for {reference} in {orgcode} kept conflicting; the event comes again");
            }
            logger.LogWarning("Loyalty {What} for {Reference} in {Orgcode} refused: {Code}", what, reference, orgcode, problem.ProblemDetails.Extensions["code"]);
        }
        return TypedResults.Ok();
    }
}
