using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;

namespace Retail.Accounting.Storage;

/// <summary>
/// Measures what a service stores for an org now: the service's own <c>/storage/measure</c> (every module maps it; internal),
/// through service invocation — HTTP to the host itself in the single-process host, Dapr service invocation otherwise — so
/// Accounting never reads another service's storage.
/// </summary>
public sealed class StorageMeasurer(IServiceInvoker invoker, IOptions<StorageUsageOptions> options, HostedApps hosted)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>The app ids measured, in a stable order.</summary>
    public IReadOnlyList<string> Services { get; } =
        (options.Value.Services.Count > 0 ? options.Value.Services.Select(Codes.Normalize) : hosted.AppIds)
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public bool Measures(string service) => Services.Contains(service, StringComparer.Ordinal);

    /// <summary>Unreachable or failing: <see cref="DependencyUnavailableException"/> (503).</summary>
    public Task<StorageMeasurement> MeasureAsync(string service, string orgcode, CancellationToken ct) =>
        invoker.SendAsync<StorageMeasurement>(service, StorageMeasurementEndpoint.Path, new { }, new InvocationOptions(Orgcode: orgcode, Timeout: Timeout), ct);
}
