using System.Text.Json.Serialization;
using Retail.Shared.Records;
using Retail.Shared.State;
using Record = Retail.Shared.Records.Record;

namespace Retail.Shared.Tests.Records;

/// <summary>A slip that may name a lane (most do not), listed by lane and day.</summary>
public sealed record Slip : Record
{
    public required string SlipId { get; init; }

    public string? Lane { get; init; }

    public required string Day { get; init; }

    [JsonIgnore]
    public override string Key => SlipId;

    public static RecordType<Slip> Type { get; } = new RecordType<Slip>("slip").AppendOnly().IndexWhenPresent("lane", "day");
}

/// <summary><see cref="RecordType{T}.IndexWhenPresent"/>: an index of the records that have its first field, read by lists naming a value of it.</summary>
public sealed class PresentOnlyIndexTests : IDisposable
{
    private readonly RecordKit _kit = new();

    [Fact]
    public async Task only_records_with_the_field_are_indexed_lists_by_it_read_the_index_and_lists_without_it_still_answer()
    {
        var slips = _kit.Store(Slip.Type);
        var batch = new RecordBatch();
        (string Id, string? Lane, string Day)[] seeded =
            [("s1", "l1", "2026-12-01"), ("s2", null, "2026-12-01"), ("s3", "l1", "2026-12-02"), ("s4", "l2", "2026-12-02"), ("s5", null, "2026-12-02"), ("s6", null, "2026-12-03")];
        foreach (var (id, lane, day) in seeded)
        {
            slips.Create(batch, "org1", new Slip { SlipId = id, Lane = lane, Day = day });
        }
        Assert.True((await batch.CommitAsync()).Succeeded);
        await _kit.State.EnsureIndexesAsync([.. RecordStore<Slip>.BuiltInIndexes, .. Slip.Type.StateIndexes()]);

        // A partial index (slips without a lane get no entry), which a list by lane reads.
        Assert.Equal(1, _kit.Count("SELECT count(*) FROM sqlite_master WHERE name = 'ix_slip_lane_day' AND sql LIKE '%IS NOT NULL'"));
        Assert.Contains(_kit.Plan("""SELECT key FROM state WHERE entity = 'slip' AND orgcode = 'org1' AND json_extract(value, '$."data"."lane"') = 'l1' ORDER BY key"""),
            step => step.Contains("INDEX ix_slip_lane_day ", StringComparison.Ordinal));

        Assert.Equal(["s1", "s3"], (await slips.ListAsync("org1", [StateFilter.Eq("lane", "l1")])).Items.Select(s => s.SlipId));
        Assert.Equal(["s3", "s4"], (await slips.ListAsync("org1",
            [StateFilter.In("lane", "l1", "l2"), StateFilter.Above("day", "2026-12-02", inclusive: true)])).Items.Select(s => s.SlipId).Order());
        // Records without the field are not in the index, so that list reads another one, and still finds them.
        Assert.Equal(["s2", "s5", "s6"], (await slips.ListAsync("org1", [StateFilter.Eq("lane", null)])).Items.Select(s => s.SlipId));
        Assert.Equal(6, (await slips.ListAsync("org1", [])).Items.Count);
    }

    public void Dispose() => _kit.Dispose();
}
