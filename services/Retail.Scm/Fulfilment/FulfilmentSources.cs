using System.Text.Json;
using Retail.Scm.Orders;
using Retail.Scm.Policies;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Fulfilment;

/// <summary>A PVM variant link as fulfilment reads it (<c>/alternative/list</c>).</summary>
public sealed record PvmVariantLink(string Kind, string FromVariantGuid, string ToVariantGuid, string? ToVariantCode, int Rank, string Status);

/// <summary>ICS's answer to a hold batch: the holds in the order of the request.</summary>
public sealed record IcsHoldList(IReadOnlyList<IcsHold> Holds);

public sealed record PvmLinkPage(IReadOnlyList<PvmVariantLink> Items, string? NextToken);

/// <summary>
/// What fulfilment asks of ICS (holds, the warehouse flow, adjustments) and PVM (alternatives), each write with its
/// deterministic Idempotency-Key (<c>{shipment_guid}:{step}:{line_no}</c>, …) so a retried request has its effect once.
/// A 4xx of ICS or PVM is a <see cref="ServiceRefusedException"/> (see <see cref="FulfilmentProblems.Refused"/>).
/// </summary>
public sealed class FulfilmentSources(ScmSources sources, RecordStore<ChannelPolicy> policies)
{
    /// <summary>The order's channel policy, or the default one while none is set.</summary>
    public async Task<ChannelPolicy> PolicyAsync(string orgcode, string channelCode, CancellationToken ct) =>
        (await policies.GetAsync(orgcode, channelCode, ct: ct))?.Record ?? ChannelPolicy.Default(channelCode);

    public Task<IcsHold?> HoldAsync(string orgcode, string holdGuid, CancellationToken ct) =>
        sources.Invoker.GetOrNullAsync<IcsHold>(ScmSources.Ics, "/hold/get", new { hold_guid = holdGuid }, new InvocationOptions(orgcode), ct);

    public Task<IcsPosition> StockAsync(string orgcode, string facilityCode, string variantGuid, CancellationToken ct) =>
        sources.Invoker.SendAsync<IcsPosition>(ScmSources.Ics, "/stock/get", new { facility_code = facilityCode, variant_guid = variantGuid },
            new InvocationOptions(orgcode), ct);

    /// <summary>A new commitment straight from <c>available</c>, for the order.</summary>
    public Task<IcsHold> CommitAsync(string orgcode, string facilityCode, string variantGuid, long quantity, string orderGuid, string key,
        CancellationToken ct) =>
        sources.IcsAsync<IcsHold>(orgcode, "/commit/create", new
        {
            facility_code = facilityCode,
            variant_guid = variantGuid,
            quantity,
            reference = new { kind = "order", id = orderGuid },
        }, key, ct);

    public Task<IcsHold> ReleaseAsync(string orgcode, IcsHold hold, string reason, string key, CancellationToken ct) =>
        sources.IcsAsync<IcsHold>(orgcode, "/commit/release", new { hold_guid = hold.HoldGuid, expected_revision = hold.Revision, reason }, key, ct);

    /// <summary>
    /// Releases <paramref name="quantity"/> of a hold back to available, the rest staying held by the same hold (ICS
    /// <c>/hold/batch/release</c>, one ledger change): the hold as it now stands.
    /// </summary>
    public async Task<IcsHold> ReleasePartAsync(string orgcode, IcsHold hold, long quantity, string reason, string key, CancellationToken ct) =>
        (await sources.IcsAsync<IcsHoldList>(orgcode, "/hold/batch/release", new
        {
            holds = new[] { new { hold_guid = hold.HoldGuid, expected_revision = hold.Revision, quantity } },
            reason,
        }, key, ct)).Holds[0];

    public Task<JsonElement> PickAsync(string orgcode, string facilityCode, string holdGuid, string variantGuid, long quantity, string fromBin,
        string? toBin, string key, CancellationToken ct) =>
        sources.IcsAsync<JsonElement>(orgcode, "/pick/record", new
        {
            facility_code = facilityCode,
            hold_guid = holdGuid,
            variant_guid = variantGuid,
            quantity,
            from_bin = fromBin,
            to_bin = toBin,
        }, key, ct);

    public Task<JsonElement> PackAsync(string orgcode, string facilityCode, string holdGuid, string packageRef, string variantGuid, long quantity,
        string key, CancellationToken ct) =>
        sources.IcsAsync<JsonElement>(orgcode, "/pack/record", new
        {
            facility_code = facilityCode,
            hold_guid = holdGuid,
            package_ref = packageRef,
            lines = new[] { new { variant_guid = variantGuid, quantity } },
        }, key, ct);

    /// <summary>The commitment's stock leaves the facility and the hold becomes <c>shipped</c> (ICS, one change).</summary>
    public Task<JsonElement> ShipAsync(string orgcode, string facilityCode, string holdGuid, long holdRevision, string? fromBin, string? carrier,
        string? tracking, string key, CancellationToken ct) =>
        sources.IcsAsync<JsonElement>(orgcode, "/ship/record", new
        {
            facility_code = facilityCode,
            hold_guid = holdGuid,
            expected_revision = holdRevision,
            from_bin = fromBin,
            carrier,
            tracking,
        }, key, ct);

    /// <summary>An ICS adjustment out of <c>available</c>: <c>damage</c> (→ damaged) or <c>shrink</c> (gone).</summary>
    public Task<JsonElement> AdjustAsync(string orgcode, string facilityCode, string variantGuid, long quantity, string reason, string? note,
        string key, CancellationToken ct) =>
        sources.IcsAsync<JsonElement>(orgcode, "/adjustment/create", new
        {
            facility_code = facilityCode,
            variant_guid = variantGuid,
            quantity = -quantity,
            reason,
            note,
        }, key, ct);

    /// <summary>The variant's active alternatives (PVM), best rank first; at most 100.</summary>
    public async Task<IReadOnlyList<PvmVariantLink>> AlternativesAsync(string orgcode, string variantGuid, CancellationToken ct) =>
        (await sources.Invoker.GetOrNullAsync<PvmLinkPage>(ScmSources.Pvm, "/alternative/list",
            new { from_variant_guid = variantGuid, status = "active", limit = 100 }, new InvocationOptions(orgcode), ct))?.Items ?? [];

    public Task<PvmVariant?> VariantAsync(string orgcode, string variantGuid, CancellationToken ct) => sources.VariantAsync(orgcode, variantGuid, ct);

    public Task<PpmAnswer> PriceAsync(string orgcode, Order order, string variantGuid, long quantity, string? uomCode, CancellationToken ct) =>
        sources.PricesAsync(orgcode, order.ChannelCode, order.FacilityCode, order.Customer?.CustomerGuid ?? order.Customer?.ExternalRef,
            [(variantGuid, quantity, uomCode)], ct, order.CampaignCode);
}

/// <summary>Turning another service's refusal into fulfilment's answer.</summary>
public static class FulfilmentProblems
{
    /// <summary>
    /// ICS's <c>insufficient_stock</c> stays 409 <c>insufficient_stock</c> (with ICS's shortfalls as lines); a hold that is
    /// gone or changed meanwhile (404, <c>revision_mismatch</c>, <c>invalid_transition</c>, <c>hold_not_committed</c>) is 409
    /// <c>hold_changed</c>; anything else keeps ICS's status and code.
    /// </summary>
    public static ProblemHttpResult Refused(ServiceRefusedException refused)
    {
        if (refused.Code == "insufficient_stock")
        {
            IReadOnlyList<object> lines = refused.Problem is { } p && p.TryGetProperty("shortfalls", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Select(e => (object)e.Clone()).ToList()
                : [];
            return ScmProblems.InsufficientStock(refused.Detail ?? "Not enough stock.", lines);
        }
        if (refused.Status == StatusCodes.Status404NotFound || refused.Code is "revision_mismatch" or "invalid_transition" or "hold_not_committed")
        {
            return ScmProblems.HoldChanged($"{refused.App} answered {refused.Code}: {refused.Detail}");
        }
        return ApiProblem.Create(refused.Status, refused.Code, $"{refused.App} refused the request.", refused.Detail);
    }
}
