namespace Retail.Scm.Policies;

// What orders ask of the tax and routing policies. The policies area implements both (Policies/); orders, quotes and
// returns call them in process (never over HTTP).

/// <param name="LineNo">The caller's line number.</param>
/// <param name="NetMinor">The line's amount after discounts, in minor units (tax inclusive when the policy is inclusive).</param>
/// <param name="TaxCategory">The line's category when the caller knows it; else the variant's, its style's (<paramref name="StyleGuid"/>), or <c>standard</c>.</param>
public sealed record TaxLineInput(int LineNo, string VariantGuid, long Quantity, long NetMinor, string? TaxCategory = null, string? StyleGuid = null);

/// <param name="Jurisdiction">Where tax applies: the delivery address's country (and region), or the pickup facility's.</param>
public sealed record TaxInput(string Currency, string Jurisdiction, IReadOnlyList<TaxLineInput> Lines, DateTimeOffset At)
{
    /// <summary>Who buys (the customer's guid, the account's): their active tax-exemption certificates zero-rate the lines they cover.</summary>
    public IReadOnlyList<string> Holders { get; init; } = [];
}

public sealed record TaxLineQuote(int LineNo, string TaxCategory, decimal RatePercent, long TaxMinor)
{
    /// <summary>The certificate that zero-rated the line, if one did.</summary>
    public TaxExemption? Exemption { get; init; }
}

/// <param name="Inclusive">Whether the line amounts already include the tax.</param>
/// <param name="PolicyRevision">The tax policy's revision the quote used (an order keeps it).</param>
public sealed record TaxQuote(string Jurisdiction, bool Inclusive, long PolicyRevision, IReadOnlyList<TaxLineQuote> Lines)
{
    public long TaxMinor => Lines.Sum(l => l.TaxMinor);
}

/// <summary>The tax of a cart or an order from the org's tax policy for a jurisdiction.</summary>
public interface ITaxQuoter
{
    /// <summary>Null when the org has no tax policy for the jurisdiction (the caller answers 422 <c>no_tax_policy</c>).</summary>
    Task<TaxQuote?> QuoteAsync(string orgcode, TaxInput input, CancellationToken ct);
}

public sealed record RouteLineInput(int LineNo, string VariantGuid, long Quantity);

/// <param name="FacilityCode">The facility the order names (a store sale), if any.</param>
/// <param name="PickupFacilityCode">For pickup: the facility the buyer collects from.</param>
/// <param name="OrderGuid">The order, once it exists: a routing plan made for it (<c>/routing/plan/create</c>) is followed.</param>
public sealed record RouteInput(string ChannelCode, string? FacilityCode, string? PickupFacilityCode, string? Country, IReadOnlyList<RouteLineInput> Lines,
    string? OrderGuid = null);

/// <summary>Which logical facility fulfils each line (a split when the routing policy allows it).</summary>
public sealed record RouteAnswer(IReadOnlyDictionary<int, string> FacilityByLine, string? PlanGuid);

/// <summary>The routing policy: which facility fulfils each line.</summary>
public interface IOrderRouter
{
    /// <summary>Null when no facility can be chosen (no routing policy and no facility on the order or the channel).</summary>
    Task<RouteAnswer?> RouteAsync(string orgcode, RouteInput input, CancellationToken ct);
}
