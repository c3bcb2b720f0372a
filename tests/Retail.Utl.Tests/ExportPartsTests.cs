using System.Text.Json;
using Retail.Shared.OrgData;
using Retail.Utl.Exports;
using Retail.Utl.Sources;

namespace Retail.Utl.Tests;

/// <summary>A service's items cut into NDJSON parts of bounded size, every item once, in order, with counts that match the lines.</summary>
public sealed class ExportPartsTests
{
    private static OrgDataItem Item(int i) =>
        new("records", "product", $"k{i:D5}", JsonSerializer.SerializeToElement(new { name = $"item {i}", padding = new string('x', 100) }));

    private static List<ExportPart> Cut(int items, long maxBytes)
    {
        var parts = new ExportParts(maxBytes);
        var done = new List<ExportPart>();
        for (var i = 0; i < items; i++)
        {
            if (parts.Add(Item(i)) is { } closed)
            {
                done.Add(closed);
            }
        }
        if (parts.Finish() is { } last)
        {
            done.Add(last);
        }
        return done;
    }

    [Fact]
    public void items_beyond_the_size_bound_go_to_further_parts_and_none_is_lost_or_repeated()
    {
        var parts = Cut(200, 4096);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Ndjson.Length <= 4096));
        Assert.Equal(Enumerable.Range(1, parts.Count), parts.Select(p => p.Number));
        var keys = parts.SelectMany(p => System.Text.Encoding.UTF8.GetString(p.Ndjson).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("key").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"k{i:D5}"), keys);
        Assert.All(parts, p => Assert.Equal(p.Records, ExportParts.CountLines(p.Ndjson)));
        Assert.Equal(200, parts.Sum(p => p.Records));
    }

    [Fact]
    public void lines_are_snake_case_objects_with_part_kind_key_and_value()
    {
        var line = System.Text.Encoding.UTF8.GetString(Cut(1, 1 << 20)[0].Ndjson).TrimEnd('\n');
        var json = JsonDocument.Parse(line).RootElement;

        Assert.Equal("records", json.GetProperty("part").GetString());
        Assert.Equal("product", json.GetProperty("kind").GetString());
        Assert.Equal("item 0", json.GetProperty("value").GetProperty("name").GetString());
    }

    [Fact]
    public void a_service_with_nothing_has_one_empty_part_and_an_item_larger_than_the_bound_has_a_part_of_its_own()
    {
        var empty = Cut(0, 1024);
        Assert.Single(empty);
        Assert.Equal(0, empty[0].Records);

        var big = Cut(3, 10);
        Assert.Equal(3, big.Count);
        Assert.All(big, p => Assert.Equal(1, p.Records));
    }

    [Fact]
    public void the_same_items_give_the_same_bytes_and_gzip_round_trips()
    {
        var first = Cut(50, 2048);
        var second = Cut(50, 2048);

        Assert.Equal(first.Select(p => UtlCalls.Sha256(p.Ndjson)), second.Select(p => UtlCalls.Sha256(p.Ndjson)));
        Assert.Equal(first[0].Ndjson, UtlCalls.Gunzip(UtlCalls.Gzip(first[0].Ndjson)));
        Assert.Equal("scm/part-0002.ndjson.gz", ExportParts.FileName("scm", 2));
    }
}
