using Retail.Shared.Invocation;

namespace Retail.Scm.Sources;

// PVM's, PPM's and ICS's answers as SCM reads them (snake_case JSON; SCM never references their assemblies). Only the
// fields SCM uses; unknown fields are ignored when reading. Add what you need (merge conflicts: keep both sides).

public sealed record PvmResolvedVariant(string VariantGuid, string VariantCode, string StyleGuid, string StyleCode, string Status, bool Doomed);

/// <summary>PVM's answer to every resolver: <see cref="Live"/> only when the record is active and its variant sellable.</summary>
public sealed record PvmResolution(string Kind, string Key, string Status, bool Live, PvmResolvedVariant? Variant);

/// <summary>What an order line may name instead of a variant guid.</summary>
public enum LineRefKind
{
    Barcode,
    Identifier,
    Alias,
    Code,
}

public sealed record PvmVariant(string VariantGuid, string VariantCode, string StyleGuid, string StyleCode, string? Name, string Status);

public sealed record PvmAlternative(string VariantGuid, string? Kind, string? Status);

public sealed record PpmApplied(string Source, string Code, string Kind, long AmountMinor, string? Note);

public sealed record PpmLine(int Index, string VariantGuid, int Quantity, string UomCode, bool Priced, string? Reason, string? PriceListCode,
    string? Currency, long? ListUnitMinor, long? UnitMinor, long? ExtendedMinor, long? DiscountMinor, IReadOnlyList<PpmApplied>? Applied);

public sealed record PpmAnswer(string? Currency, string ChannelCode, string? FacilityCode, IReadOnlyList<PpmLine> Lines, long? TotalMinor);

public sealed record IcsReference(string Kind, string Id);

/// <summary>An ICS hold as SCM reads it.</summary>
public sealed record IcsHold(string HoldGuid, string Stage, string Status, string FacilityCode, string VariantGuid, long Quantity, long Revision,
    IcsReference? Reference, DateTimeOffset? ExpiresAt, string? StatusReason = null);

public sealed record IcsPosition(string FacilityCode, string VariantGuid, long Available, long Reserved, long Allocated, long Committed, long Revision);

/// <summary>
/// What SCM reads from and asks of PVM (resolving what a line names), PPM (prices) and ICS (holds, stock), through service
/// invocation (<see cref="InvocationCalls"/>: 4xx → <see cref="ServiceRefusedException"/>, unreachable/5xx →
/// <see cref="DependencyUnavailableException"/>). Writes carry a deterministic Idempotency-Key so a retry has its
/// effect once.
/// </summary>
public sealed class ScmSources(IServiceInvoker invoker)
{
    public const string Pvm = "pvm";
    public const string Ppm = "ppm";
    public const string Ics = "ics";

    public IServiceInvoker Invoker => invoker;

    public Task<PvmVariant?> VariantAsync(string orgcode, string variantGuid, CancellationToken ct) =>
        invoker.GetOrNullAsync<PvmVariant>(Pvm, "/variant/get", new { variant_guid = variantGuid }, new InvocationOptions(orgcode), ct);

    /// <summary>
    /// A barcode, an identifier (<paramref name="type"/> = its id type), an alias (<paramref name="type"/> = its tag) or a
    /// variant code to PVM's resolution, or null when PVM never held it.
    /// </summary>
    public Task<PvmResolution?> ResolveAsync(string orgcode, LineRefKind kind, string value, string? type, CancellationToken ct) => kind switch
    {
        LineRefKind.Barcode => invoker.GetOrNullAsync<PvmResolution>(Pvm, "/resolve/barcode", new { barcode = value }, new InvocationOptions(orgcode), ct),
        LineRefKind.Identifier => invoker.GetOrNullAsync<PvmResolution>(Pvm, "/identifier/resolve", new { id_type = type, value },
            new InvocationOptions(orgcode), ct),
        LineRefKind.Alias => invoker.GetOrNullAsync<PvmResolution>(Pvm, "/resolve/alias", new { tag = type, value }, new InvocationOptions(orgcode), ct),
        _ => invoker.GetOrNullAsync<PvmResolution>(Pvm, "/resolve/code", new { code = value }, new InvocationOptions(orgcode), ct),
    };

    /// <summary>
    /// PPM's prices for up to 100 lines in a channel (and facility) for a customer; <paramref name="campaignCode"/> (the
    /// order's) is presented as a code, so a promotion behind that code (an influencer's buyer discount) applies.
    /// </summary>
    public Task<PpmAnswer> PricesAsync(string orgcode, string channel, string? facility, string? customerRef,
        IReadOnlyList<(string VariantGuid, long Quantity, string? UomCode)> lines, CancellationToken ct, string? campaignCode = null) =>
        invoker.SendAsync<PpmAnswer>(Ppm, "/price/resolve", new
        {
            channel_code = channel,
            facility_code = facility,
            customer_ref = customerRef,
            lines = lines.Select(l => new { variant_guid = l.VariantGuid, quantity = l.Quantity, uom_code = l.UomCode }).ToList(),
            codes = campaignCode is null ? null : new[] { campaignCode },
        }, new InvocationOptions(orgcode), ct);

    /// <summary>A write to ICS with its Idempotency-Key; the answer read as <typeparamref name="T"/>.</summary>
    public Task<T> IcsAsync<T>(string orgcode, string path, object body, string idempotencyKey, CancellationToken ct) =>
        invoker.SendAsync<T>(Ics, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
}
