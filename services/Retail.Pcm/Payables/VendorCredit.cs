using System.Text.Json.Serialization;

namespace Retail.Pcm.Payables;

/// <summary>Where a vendor credit came from: an RTV the vendor acknowledged, or an invoice resolved by a credit.</summary>
public enum CreditSource
{
    Rtv,
    Invoice,
}

/// <summary><c>open</c> while something remains to apply; <c>applied</c> once all of it is.</summary>
public enum CreditStatus
{
    Open,
    Applied,
}

/// <summary>
/// Money a vendor owes back (a credit note), in one currency. <see cref="RemainingMinor"/> falls as it is applied to the
/// vendor's invoices (<c>/credit/apply</c>), each application ETag-checked with the invoice in one batch.
/// </summary>
public sealed record VendorCredit : Record
{
    public required string CreditGuid { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string Currency { get; init; }

    public required long AmountMinor { get; init; }

    public required long RemainingMinor { get; init; }

    public CreditStatus Status { get; init; } = CreditStatus.Open;

    public required CreditSource Source { get; init; }

    /// <summary>The RTV or invoice it came from.</summary>
    public required string SourceGuid { get; init; }

    /// <summary>The vendor's credit note or acknowledgement reference, if any.</summary>
    public string? VendorReference { get; init; }

    public required string CreatedBy { get; init; }

    /// <summary>The invoice it was last applied to.</summary>
    public string? LastAppliedInvoiceGuid { get; init; }

    [JsonIgnore]
    public override string Key => CreditGuid;

    public static RecordType<VendorCredit> Type { get; } = new RecordType<VendorCredit>("vendor_credit")
        .Computed("created_ms", c => c.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("vendor_guid", "status")
        .IndexBy("status")
        .IndexBy("source_guid");

    /// <summary>The credit after <paramref name="amountMinor"/> of it was applied to an invoice.</summary>
    public VendorCredit Apply(long amountMinor, string invoiceGuid) => this with
    {
        RemainingMinor = RemainingMinor - amountMinor,
        Status = RemainingMinor - amountMinor == 0 ? CreditStatus.Applied : CreditStatus.Open,
        LastAppliedInvoiceGuid = invoiceGuid,
    };
}
