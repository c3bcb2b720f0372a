using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Retail.Crm.Customers;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Crm.Fraud;

/// <summary>One order of a customer as the fraud signals see it.</summary>
public sealed record RecentOrder(string OrderGuid, DateTimeOffset PlacedAt, long TotalMinor, string Currency, bool Cancelled);

/// <summary>
/// CRM's projection of a customer's SCM orders for the fraud signals (kept from <c>order.placed</c> and
/// <c>order.cancelled</c>): the newest orders as a small ring (order velocity), the first order (first-order value) and
/// the counts. One record per customer, read with one lookup when assessing.
/// </summary>
public sealed record CustomerOrderHistory : Record
{
    /// <summary>The ring's size: above any velocity limit the policy allows (50).</summary>
    public const int RingSize = 64;

    public required string CustomerGuid { get; init; }

    /// <summary>The newest orders, newest first, at most <see cref="RingSize"/>.</summary>
    public IReadOnlyList<RecentOrder> Recent { get; init; } = [];

    public RecentOrder? FirstOrder { get; init; }

    public long OrdersPlaced { get; init; }

    public long OrdersCancelled { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    public static RecordType<CustomerOrderHistory> Type { get; } = new RecordType<CustomerOrderHistory>("fraud_customer_orders").Derived();

    /// <summary>Orders placed and not cancelled at or after <paramref name="since"/>.</summary>
    public int PlacedSince(DateTimeOffset since) => Recent.Count(o => !o.Cancelled && o.PlacedAt >= since);

    public bool Knows(string orderGuid) => Recent.Any(o => o.OrderGuid == orderGuid) || FirstOrder?.OrderGuid == orderGuid;

    /// <summary>An order seen for the first time (placed, or already cancelled when its cancellation came first).</summary>
    public CustomerOrderHistory WithNew(RecentOrder order) => this with
    {
        Recent = Ring([.. Recent, order]),
        FirstOrder = FirstOrder is null || order.PlacedAt < FirstOrder.PlacedAt ? order : FirstOrder,
        OrdersPlaced = OrdersPlaced + 1,
        OrdersCancelled = OrdersCancelled + (order.Cancelled ? 1 : 0),
    };

    /// <summary>A placed order cancelled since.</summary>
    public CustomerOrderHistory WithCancelled(string orderGuid) => this with
    {
        Recent = Recent.Select(o => o.OrderGuid == orderGuid ? o with { Cancelled = true } : o).ToList(),
        FirstOrder = FirstOrder?.OrderGuid == orderGuid ? FirstOrder with { Cancelled = true } : FirstOrder,
        OrdersCancelled = OrdersCancelled + 1,
    };

    /// <summary>The merged customer's orders counted as the survivor's (a merge).</summary>
    public CustomerOrderHistory Absorb(CustomerOrderHistory merged) => this with
    {
        Recent = Ring([.. Recent, .. merged.Recent.Where(o => !Knows(o.OrderGuid))]),
        FirstOrder = new[] { FirstOrder, merged.FirstOrder }.OfType<RecentOrder>().OrderBy(o => o.PlacedAt).FirstOrDefault(),
        OrdersPlaced = OrdersPlaced + merged.OrdersPlaced,
        OrdersCancelled = OrdersCancelled + merged.OrdersCancelled,
    };

    private static List<RecentOrder> Ring(IEnumerable<RecentOrder> orders) =>
        orders.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.OrderGuid, StringComparer.Ordinal).Take(RingSize).ToList();
}

/// <summary>
/// Which SCM orders the projection has applied, and as of which order revision: a repeated or late event changes
/// nothing, so an order is counted once even after it left the ring.
/// </summary>
public sealed record FraudOrderSeen : Record
{
    public required string OrderGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public required bool Cancelled { get; init; }

    public required long OrderRevision { get; init; }

    [JsonIgnore]
    public override string Key => OrderGuid;

    public static RecordType<FraudOrderSeen> Type { get; } = new RecordType<FraudOrderSeen>("fraud_order_seen").Derived();
}

/// <summary>SCM's <c>order.placed|cancelled</c> as the fraud projection reads it (SCM's OrderChanged, the fields it needs).</summary>
public sealed record ScmOrderChanged(string? OrderGuid, string? Status, long Revision, string? Currency, long TotalMinor, ScmCustomerRef? Customer,
    DateTimeOffset? PlacedAt);

public sealed record ScmCustomerRef(string? CustomerGuid, string? Email);

/// <summary>Keeps <see cref="CustomerOrderHistory"/> from SCM's order events (at least once, in any order).</summary>
public static class CustomerOrderSubscriber
{
    public const string OrderPlaced = "order.placed";
    public const string OrderCancelled = "order.cancelled";

    public static IEndpointRouteBuilder MapCustomerOrderSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/fraud-scm-order", OnOrderChanged).WithTopic(pubSub, OrderPlaced).WithTopic(pubSub, OrderCancelled)
            .RequireInternal().ExcludeFromDescription();
        return routes;
    }

    /// <summary>A write that keeps losing its race throws, so the delivery fails and the event comes again.</summary>
    public static async Task<Results<Ok, BadRequest>> OnOrderChanged(HttpContext http, CustomerOrderProjection projection, CancellationToken ct)
    {
        var (orgcode, order) = await OrgEventBody.ReadAsync<ScmOrderChanged>(http, ct);
        if (orgcode is null || order is not { OrderGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await projection.ApplyAsync(orgcode, order, ct);
        return TypedResults.Ok();
    }
}

/// <summary>Applies one SCM order event to the customer's <see cref="CustomerOrderHistory"/> and its <see cref="FraudOrderSeen"/> in one batch.</summary>
public sealed class CustomerOrderProjection(
    RecordStore<CustomerOrderHistory> histories,
    RecordStore<FraudOrderSeen> seen,
    RecordStore<Customer> customers)
{
    public async Task ApplyAsync(string orgcode, ScmOrderChanged order, CancellationToken ct)
    {
        var orderGuid = order.OrderGuid!.Trim().ToLowerInvariant();
        var cancelled = string.Equals(order.Status, "cancelled", StringComparison.Ordinal);
        if (order.PlacedAt is not { } placedAt || string.IsNullOrEmpty(order.Currency))
        {
            return; // never placed (a draft cancelled): no order of the customer's to count
        }
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var mark = await seen.GetAsync(orgcode, orderGuid, ct: ct);
            if (mark is not null && (mark.Record.OrderRevision >= order.Revision || mark.Record.Cancelled))
            {
                return;
            }
            var customerGuid = mark?.Record.CustomerGuid ?? await CustomerOfAsync(orgcode, order.Customer, ct);
            if (customerGuid is null)
            {
                return; // an order of nobody CRM knows
            }
            var survivor = await SurvivorAsync(orgcode, customerGuid, ct);
            var history = await histories.GetAsync(orgcode, survivor, ct: ct);
            var current = history?.Record ?? new CustomerOrderHistory { CustomerGuid = survivor };
            CustomerOrderHistory next;
            if (mark is null)
            {
                next = current.Knows(orderGuid) ? current : current.WithNew(new RecentOrder(orderGuid, placedAt, order.TotalMinor, order.Currency!, cancelled));
            }
            else
            {
                next = cancelled ? current.WithCancelled(orderGuid) : current;
            }
            var batch = new RecordBatch();
            var nextMark = new FraudOrderSeen { OrderGuid = orderGuid, CustomerGuid = customerGuid, Cancelled = cancelled, OrderRevision = order.Revision };
            if (mark is null)
            {
                seen.Create(batch, orgcode, nextMark);
            }
            else
            {
                seen.Update(batch, orgcode, mark, nextMark);
            }
            if (history is null)
            {
                histories.Create(batch, orgcode, next);
            }
            else if (!ReferenceEquals(next, current))
            {
                histories.Update(batch, orgcode, history, next);
            }
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return;
            }
            await Task.Delay(Random.Shared.Next(5, 25 * (attempt + 1)), ct);
        }
        throw new InvalidOperationException($"the order history of order {orderGuid} kept changing while it was written");
    }

    /// <summary>The customer an order names: by guid, else by its e-mail among the org's live customers.</summary>
    private async Task<string?> CustomerOfAsync(string orgcode, ScmCustomerRef? customer, CancellationToken ct)
    {
        if (customer?.CustomerGuid is { Length: > 0 } guid)
        {
            return guid.Trim().ToLowerInvariant();
        }
        if (customer?.Email is { Length: > 0 } email)
        {
            return (await customers.FindAsync(orgcode, "email", email.Trim().ToLowerInvariant(), ct))?.Record.CustomerGuid;
        }
        return null;
    }

    /// <summary>A merged customer's orders count for its survivor (a chain of merges followed a few steps).</summary>
    private async Task<string> SurvivorAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        var guid = customerGuid;
        for (var hop = 0; hop < 5; hop++)
        {
            if ((await customers.GetAsync(orgcode, guid, ct: ct))?.Record is { Status: CustomerStatus.Merged, MergedInto: { } into })
            {
                guid = into;
                continue;
            }
            break;
        }
        return guid;
    }
}
