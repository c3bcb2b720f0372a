using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Retail.Shared.Hosting;

namespace Retail.Shared.Tests.Hosting;

/// <summary>The trace ids of traces the platform starts sort by time, are unique and valid W3C ids; a caller's own id is kept.</summary>
public sealed class TimeOrderedTraceIdsTests
{
    [Fact]
    public void ids_carry_their_millisecond_first_so_they_sort_by_time_and_the_rest_is_random()
    {
        var at = new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 2000).Select(i => TimeOrderedTraceIds.Create(at.AddMilliseconds(i / 4)).ToHexString()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(at.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), ids[0][..12]);
        // Ordered across milliseconds (within one millisecond the random part decides).
        var byMillisecond = ids.Chunk(4).Select(c => c.Order(StringComparer.Ordinal).ToList()).ToList();
        for (var i = 1; i < byMillisecond.Count; i++)
        {
            Assert.True(string.CompareOrdinal(byMillisecond[i - 1][^1], byMillisecond[i][0]) < 0);
        }
        Assert.True(ids.Select(id => id[12..]).Distinct().Count() == ids.Count);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "parentbased_always_on", true)]
    [InlineData("false", null, false)]
    [InlineData(null, "traceidratio", false)]
    [InlineData(null, "parentbased_traceidratio", false)]
    [InlineData("true", "ParentBased_TraceIdRatio", false)]
    public void they_are_used_unless_turned_off_or_a_sampler_decides_by_the_trace_ids_leading_bytes(string? setting, string? sampler, bool used)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [TimeOrderedTraceIds.SettingKey] = setting }).Build();
        Assert.Equal(used, TimeOrderedTraceIds.Wanted(configuration, sampler));
    }

    [Fact]
    public void a_trace_started_here_takes_a_time_ordered_id_and_a_callers_parent_keeps_its_own()
    {
        TimeOrderedTraceIds.Use();
        using var source = new ActivitySource("retail.tests.trace-ids");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string first;
        using (var root = source.StartActivity("root", ActivityKind.Server, parentContext: default))
        {
            first = root!.TraceId.ToHexString();
        }
        Thread.Sleep(3);
        using (var next = source.StartActivity("next", ActivityKind.Server, parentContext: default))
        {
            Assert.True(string.CompareOrdinal(first, next!.TraceId.ToHexString()) < 0);
        }
        var stamped = Convert.ToInt64(first[..12], 16);
        Assert.InRange(stamped, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var callers = ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736");
        var parent = new ActivityContext(callers, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var child = source.StartActivity("child", ActivityKind.Server, parent);
        Assert.Equal(callers, child!.TraceId);
    }
}
