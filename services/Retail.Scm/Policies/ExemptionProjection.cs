using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Scm.Policies;

/// <summary>The certificate that zero-rated a line (its tax breakdown says so).</summary>
public sealed record TaxExemption(string CertificateGuid, string Number);

/// <summary>
/// SCM's copy of one CRM tax-exemption certificate, kept from CRM's <c>exemption.certificate_changed</c> (newest revision
/// wins), so the tax quote of an order reads it from SCM's own store and never calls CRM. Listed by holder (a customer or
/// an account guid) through an index.
/// </summary>
public sealed record ExemptionCertificateCopy : Record
{
    public required string CertificateGuid { get; init; }

    public required string Number { get; init; }

    public required string HolderGuid { get; init; }

    public required string Jurisdiction { get; init; }

    public bool AllCategories { get; init; }

    public IReadOnlyList<string> TaxCategories { get; init; } = [];

    public required DateOnly ValidFrom { get; init; }

    public DateOnly? ValidTo { get; init; }

    /// <summary>CRM's status as given (<c>pending</c>, <c>active</c>, <c>revoked</c>, <c>expired</c>).</summary>
    public required string Status { get; init; }

    /// <summary>CRM's revision of the certificate this copy holds.</summary>
    public required long SourceRevision { get; init; }

    [JsonIgnore]
    public override string Key => CertificateGuid;

    public static RecordType<ExemptionCertificateCopy> Type { get; } = new RecordType<ExemptionCertificateCopy>("exemption_certificate")
        .Derived()
        .IndexBy("holder_guid", "status");
}

/// <summary>CRM's <c>exemption.certificate_changed</c> as SCM reads it.</summary>
public sealed record CrmCertificateChanged(string? CertificateGuid, string? Number, string? HolderGuid, string? Jurisdiction, bool AllCategories,
    IReadOnlyList<string>? TaxCategories, DateOnly? ValidFrom, DateOnly? ValidTo, string? Status, long Revision);

/// <summary>Which lines a holder's certificates exempt, as a pure function of the quote and the certificates.</summary>
public static class ExemptionRules
{
    public const string Active = "active";

    /// <summary>
    /// Whether <paramref name="c"/> exempts <paramref name="category"/> in <paramref name="jurisdiction"/> on <paramref name="day"/>: active,
    /// within its dates, issued for that jurisdiction or its country (a <c>DE</c> certificate covers <c>DE-BY</c>), covering the category.
    /// </summary>
    public static bool Exempts(ExemptionCertificateCopy c, string jurisdiction, string category, DateOnly day) =>
        c.Status == Active && c.ValidFrom <= day && (c.ValidTo is null || day <= c.ValidTo)
        && (c.Jurisdiction == jurisdiction || jurisdiction.StartsWith(c.Jurisdiction + "-", StringComparison.Ordinal))
        && (c.AllCategories || c.TaxCategories.Contains(category, StringComparer.Ordinal));

    /// <summary>The quote with each line a certificate exempts at rate 0, tax 0, naming the certificate (the lowest number when several do).</summary>
    public static TaxQuote Apply(TaxQuote quote, string jurisdiction, IReadOnlyList<ExemptionCertificateCopy> certificates, DateOnly day)
    {
        if (certificates.Count == 0)
        {
            return quote;
        }
        var ordered = certificates.OrderBy(c => c.Number, StringComparer.Ordinal).ToList();
        return quote with
        {
            Lines = quote.Lines.Select(l => ordered.FirstOrDefault(c => Exempts(c, jurisdiction, l.TaxCategory, day)) is { } c
                ? l with { RatePercent = 0m, TaxMinor = 0, Exemption = new TaxExemption(c.CertificateGuid, c.Number) }
                : l).ToList(),
        };
    }

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}

/// <summary>Keeps <see cref="ExemptionCertificateCopy"/> from CRM's events (Dapr <c>.WithTopic</c>; the embedded bus delivers the same).</summary>
public static class ExemptionSubscriber
{
    public const string Topic = "exemption.certificate_changed";

    public static IEndpointRouteBuilder MapExemptionSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/crm-exemption-certificate", OnCertificateChanged).WithTopic(pubSub, Topic).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    /// <summary>A repeated or late event changes nothing: the copy keeps the newest CRM revision.</summary>
    public static async Task<Results<Ok, BadRequest>> OnCertificateChanged(HttpContext http, RecordStore<ExemptionCertificateCopy> copies, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<CrmCertificateChanged>(http, ct);
        if (orgcode is null || changed is not { CertificateGuid: not null, Number: not null, HolderGuid: not null, Jurisdiction: not null, ValidFrom: not null,
                Status: not null })
        {
            return TypedResults.BadRequest();
        }
        await copies.KeepNewestAsync(orgcode, changed.CertificateGuid, c => c.SourceRevision >= changed.Revision, _ => new ExemptionCertificateCopy
        {
            CertificateGuid = changed.CertificateGuid,
            Number = changed.Number,
            HolderGuid = changed.HolderGuid,
            Jurisdiction = changed.Jurisdiction,
            AllCategories = changed.AllCategories,
            TaxCategories = changed.TaxCategories ?? [],
            ValidFrom = changed.ValidFrom.Value,
            ValidTo = changed.ValidTo,
            Status = changed.Status,
            SourceRevision = changed.Revision,
        }, ct);
        return TypedResults.Ok();
    }
}
