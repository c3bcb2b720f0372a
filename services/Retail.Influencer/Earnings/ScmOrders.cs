namespace Retail.Influencer.Earnings;

/// <summary>
/// What Influencer reads of an SCM order: the body of <c>order.placed</c> / <c>order.cancelled</c>
/// (services/Retail.Scm/Orders/OrderEvents.cs, OrderChanged) and the answer of <c>/scm/order/get</c>, which share these names.
/// </summary>
public sealed record ScmOrder(string? OrderGuid, string? OrderNumber, string? ChannelCode, string? Status, string? Currency,
    IReadOnlyList<ScmOrderLine>? Lines, DateTimeOffset? PlacedAt, string? CampaignCode)
{
    /// <summary>Statuses of an order that was placed and not cancelled.</summary>
    public bool WasPlaced => Status is "placed" or "partially_fulfilled" or "fulfilled" or "closed";
}

public sealed record ScmOrderLine(int LineNo, string? VariantGuid, long Quantity, long NetMinor);

/// <summary>What Influencer reads of SCM's <c>return.received</c> (services/Retail.Scm/Payments/PaymentEvents.cs, ReturnChanged).</summary>
public sealed record ScmReturn(string? ReturnGuid, string? OrderGuid, IReadOnlyList<ScmReturnLine>? Lines);

/// <summary>A returned line: its share of the line's net for <see cref="Quantity"/>, and how much came back.</summary>
public sealed record ScmReturnLine(int LineNo, long Quantity, long NetMinor, long? ReceivedQuantity)
{
    /// <summary>The net of what came back (tax excluded): the line's net scaled to the quantity received (all of it when not said).</summary>
    public long ReturnedNetMinor => Quantity <= 0 ? 0 : (long)((Int128)NetMinor * Math.Clamp(ReceivedQuantity ?? Quantity, 0, Quantity) / Quantity);
}
