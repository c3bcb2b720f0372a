using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Retail.Shared.Hosting;

/// <summary>
/// Trace ids for the traces this platform starts (a request that came without a <c>traceparent</c>): the first six bytes
/// are the Unix time in milliseconds (big-endian, as in a UUIDv7), the other ten are random. They are valid W3C trace ids
/// (not all zero; the rightmost seven bytes random, as Trace Context level 2 asks of a random trace id), unique for all
/// practical purposes (80 random bits a millisecond), and they sort by time: an index over trace ids (Accounting's usage
/// lineage) then grows at its end like any other time-ordered key, instead of dirtying a random page of the index with
/// every insert, which made it the costliest part of storing a usage event. A caller's own trace id is kept as it came.
/// <para>
/// A sampler that decides by a trace id's LEADING bytes would decide by the clock instead: OpenTelemetry .NET's
/// <c>TraceIdRatioBasedSampler</c> reads the first eight (newer samplers read the random rightmost seven, as Trace Context
/// level 2 intends). So the ids stay random when <c>OTEL_TRACES_SAMPLER</c> names a trace-id-ratio sampler, or when
/// <c>Retail:TimeOrderedTraceIds</c> is false. (AWS X-Ray's ids are time-prefixed in the same way.)
/// </para>
/// </summary>
public static class TimeOrderedTraceIds
{
    public const string SettingKey = "Retail:TimeOrderedTraceIds";

    /// <summary>On unless turned off, or unless the configured sampler decides by the trace id (see the remarks above).</summary>
    public static bool Wanted(IConfiguration configuration, string? otelTracesSampler) =>
        configuration.GetValue(SettingKey, true)
        && (otelTracesSampler is null || !otelTracesSampler.Contains("traceidratio", StringComparison.OrdinalIgnoreCase));

    /// <summary>Makes <see cref="Activity"/> start new traces with <see cref="Next"/> (process-wide; idempotent).</summary>
    public static void Use() => Activity.TraceIdGenerator = Next;

    public static ActivityTraceId Next() => Create(DateTimeOffset.UtcNow);

    internal static ActivityTraceId Create(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        // The 48-bit millisecond in the first six bytes (the two bytes it leaves are overwritten by the random part).
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)at.ToUnixTimeMilliseconds() << 16);
        // Not a cryptographic generator: a trace id is an identifier, not a secret (the runtime's own random trace ids come
        // from a fast thread-local generator too), and the OS generator behind RandomNumberGenerator cost every request a
        // call into OpenSSL (1.7 % of the host's CPU on single-line price resolves).
        Random.Shared.NextBytes(bytes[6..]);
        return ActivityTraceId.CreateFromBytes(bytes);
    }
}
