using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Shared.Hosting;

/// <summary>What one part of a service's storage holds for an org: bytes and how many things make them up.</summary>
public sealed record StorageMeasure(long Bytes, long Records);

/// <summary>
/// Measures what one service stores for an org (Accounting's storage usage, UC-ACC-003). Registered keyed by the app id,
/// one per part: <c>state</c> (the service's records in its state store, from the state adapter) and any a service adds
/// (MRS: <c>blobs</c>). Every module answers <see cref="StorageMeasurementEndpoint.Path"/> from its meters, an internal
/// operation called through service invocation in both runtime modes.
/// </summary>
public interface IStorageMeter
{
    /// <summary>The part measured: <c>state</c>, <c>blobs</c>.</summary>
    string Part { get; }

    Task<StorageMeasure> MeasureAsync(string orgcode, CancellationToken ct);
}

/// <summary>The app ids this process hosts (every module of the single-process host; the one module of a Dapr app).</summary>
public sealed record HostedApps(IReadOnlyList<string> AppIds);

/// <summary>One part of a measurement as the measure operation answers it.</summary>
public sealed record StoragePartMeasure(string Part, long Bytes, long Records);

/// <summary>What a service stores for an org, in total and per part, measured at <see cref="MeasuredAt"/>.</summary>
public sealed record StorageMeasurement(string App, string Orgcode, long Bytes, long Records, IReadOnlyList<StoragePartMeasure> Parts,
    DateTimeOffset MeasuredAt);

/// <summary>
/// <c>POST /storage/measure</c> on every module (internal: other services of the deployment and the operator): what the
/// module stores for the org of <c>x-orgcode</c>. No body is read. A module with no meter (a state adapter that cannot
/// measure) answers 503 <c>dependency_unavailable</c> rather than a zero that would read as "empty".
/// </summary>
public static class StorageMeasurementEndpoint
{
    public const string Path = "/storage/measure";

    internal static Func<RequestContext, HttpContext, TimeProvider, CancellationToken, Task<Results<Ok<StorageMeasurement>, ProblemHttpResult>>> Create(string appId) =>
        async (context, http, clock, ct) =>
        {
            if (context.Orgcode is not { } orgcode)
            {
                return ApiProblem.Validation(CredentialHeaders.Orgcode, "is required for this operation");
            }
            var meters = http.RequestServices.GetKeyedServices<IStorageMeter>(appId).ToList();
            if (meters.Count == 0)
            {
                return ApiProblem.DependencyUnavailable($"storage measurement of {appId}");
            }
            var parts = new List<StoragePartMeasure>(meters.Count);
            foreach (var meter in meters)
            {
                var measure = await meter.MeasureAsync(orgcode, ct);
                parts.Add(new StoragePartMeasure(meter.Part, measure.Bytes, measure.Records));
            }
            return TypedResults.Ok(new StorageMeasurement(appId, orgcode, parts.Sum(p => p.Bytes), parts.Sum(p => p.Records), parts, clock.GetUtcNow()));
        };
}
