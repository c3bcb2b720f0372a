using System.Net;
using Retail.Shared.Invocation;

namespace Retail.Pcm.Sources;

// PVM's and ICS's answers as PCM reads them (snake_case JSON; PCM never references their assemblies). Only the fields PCM
// uses; unknown fields are ignored when reading. Add what you need (merge conflicts: keep both sides).

public sealed record PvmTerms(int? LeadTimeDays, int? RtvWindowDays, string? Currency, string? PaymentTerms);

public sealed record PvmVendor(string VendorGuid, string VendorCode, string Name, string Country, PvmTerms? Terms, string Status)
{
    public bool IsActive => Status == "active";
}

public sealed record PvmVariant(string VariantGuid, string VariantCode, string StyleGuid, string StyleCode, string? Name, string Status);

/// <summary>An ICS adjustment as booked (signed quantity: negative when stock left).</summary>
public sealed record IcsAdjustment(string AdjustmentGuid, string FacilityCode, string VariantGuid, long Quantity);

public sealed record PvmStyle(string StyleGuid, string StyleCode, string Name, string BrandGuid, string? PrimaryVendorGuid, string Status);

/// <summary>ICS's receipt as PCM reads it (<c>/receive/record</c>).</summary>
public sealed record IcsReceipt(string ReceiptGuid, string FacilityCode);

/// <summary>ICS's consignment ledger of one vendor's variant at one facility (<c>/consignment/ledger/list</c>, <c>/consignment/settle</c>).</summary>
public sealed record IcsConsignmentLedger(string FacilityCode, string VariantGuid, string VendorCode, long Received, long Consumed, long Settled)
{
    public long Unsettled => Consumed - Settled;
}

public sealed record IcsPage<T>(IReadOnlyList<T> Items, string? NextToken);

/// <summary>Another service answered 4xx: a business refusal the caller turns into its own problem or a compensation.</summary>
/// <param name="Code">The problem's <c>code</c> (or <c>http_{status}</c> when it had none).</param>
public sealed class SourceRefusedException(string app, string path, int status, string code, string? detail)
    : Exception($"{app}{path} refused with {status} {code}: {detail}")
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Detail { get; } = detail;
}

/// <summary>A call that did not answer as it should (unavailable, 5xx, unexpected): a workflow activity retries it.</summary>
public sealed class SourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What PCM reads from and asks of PVM and ICS, through service invocation. Reads: not found is null. Writes carry a
/// deterministic Idempotency-Key (a record guid, or the workflow's task key) so a retry has its effect once; a 4xx is
/// <see cref="SourceRefusedException"/>, anything else unexpected <see cref="SourceUnavailableException"/>.
/// </summary>
public sealed class PcmSources(IServiceInvoker invoker)
{
    public const string Pvm = "pvm";
    public const string Ics = "ics";

    /// <summary>A vendor by guid or code (any status), or null.</summary>
    public Task<PvmVendor?> VendorAsync(string orgcode, string? vendorGuid, string? vendorCode, CancellationToken ct) =>
        GetAsync<PvmVendor>(orgcode, Pvm, "/vendor/get", vendorGuid is not null ? new { vendor_guid = vendorGuid } : (object)new { vendor_code = vendorCode }, ct);

    /// <summary>A variant (any status), or null.</summary>
    public Task<PvmVariant?> VariantAsync(string orgcode, string variantGuid, CancellationToken ct) =>
        GetAsync<PvmVariant>(orgcode, Pvm, "/variant/get", new { variant_guid = variantGuid }, ct);

    public Task<PvmStyle?> StyleAsync(string orgcode, string styleGuid, CancellationToken ct) =>
        GetAsync<PvmStyle>(orgcode, Pvm, "/style/get", new { style_guid = styleGuid }, ct);

    /// <summary>
    /// Takes stock out of a facility's <c>available</c> through an ICS adjustment (reason <c>shrink</c> for what leaves to
    /// the vendor, <c>correction</c> to put it back when a later step fails). ICS's 409 <c>insufficient_stock</c> is a
    /// <see cref="SourceRefusedException"/>.
    /// </summary>
    public Task<IcsAdjustment> AdjustStockAsync(string orgcode, string facilityCode, string variantGuid, long quantity, string reason, string? binCode,
        string? note, string idempotencyKey, CancellationToken ct) =>
        SendAsync<IcsAdjustment>(orgcode, Ics, "/adjustment/create",
            new { facility_code = facilityCode, variant_guid = variantGuid, quantity, reason, bin_code = binCode, note }, idempotencyKey, ct);

    /// <summary>A read that answers null for 404 (and for 400/422 on an unknown reference when <paramref name="missingOn4xx"/>).</summary>
    public async Task<T?> GetAsync<T>(string orgcode, string app, string path, object body, CancellationToken ct, bool missingOn4xx = false) where T : class
    {
        var answer = await CallAsync(orgcode, app, path, body, null, ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound || (missingOn4xx && answer.StatusCode is >= 400 and < 500))
        {
            return null;
        }
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    /// <summary>A write (or a read that must succeed): 2xx is read as <typeparamref name="T"/>; 4xx throws <see cref="SourceRefusedException"/>.</summary>
    public async Task<T> SendAsync<T>(string orgcode, string app, string path, object body, string? idempotencyKey, CancellationToken ct)
    {
        var answer = await CallAsync(orgcode, app, path, body, idempotencyKey, ct);
        return answer.IsSuccess ? answer.ReadAs<T>() : throw Failed(app, path, answer);
    }

    private async Task<InvocationResponse> CallAsync(string orgcode, string app, string path, object body, string? idempotencyKey, CancellationToken ct)
    {
        try
        {
            return await invoker.InvokeAsync(app, path, body, new InvocationOptions(orgcode, idempotencyKey), ct);
        }
        catch (DependencyUnavailableException e)
        {
            throw new SourceUnavailableException($"{app} is unavailable", e);
        }
    }

    private static Exception Failed(string app, string path, InvocationResponse answer)
    {
        if (answer.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            var (code, detail) = ProblemOf(answer);
            return new SourceRefusedException(app, path, answer.StatusCode, code ?? $"http_{answer.StatusCode}", detail);
        }
        return new SourceUnavailableException(
            $"{app}{path} answered {answer.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 300)))}");
    }

    private static (string? Code, string? Detail) ProblemOf(InvocationResponse answer)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(answer.Body);
            var root = doc.RootElement;
            return (root.TryGetProperty("code", out var c) ? c.GetString() : null, root.TryGetProperty("detail", out var d) ? d.GetString() : null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, null);
        }
    }
}
