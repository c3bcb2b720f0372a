using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Ipm.Bulk;

namespace Retail.Ipm.Tests.Bulk;

public sealed class BulkRulesTests
{
    private static readonly TargetEntity Variant = new("pvm.variant", 1, ["style_code", "variant_code"],
    [
        new TargetField("style_code", "string", true),
        new TargetField("variant_code", "string", true),
        new TargetField("barcodes", "array", false),
        new TargetField("weight_grams", "integer", false),
        new TargetField("active", "boolean", false),
    ]);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void slices_skip_blank_lines_but_number_lines_as_an_editor_does_and_resume_where_they_stopped()
    {
        var file = Bytes("{\"a\":1}\r\n\n{\"a\":2}\n{\"a\":3}\n   \n{\"a\":4}");
        var first = BulkRules.Slice(file, 0, 1, 2);
        Assert.Equal([(1L, "{\"a\":1}"), (3L, "{\"a\":2}")], first.Lines.Select(l => (l.Line, l.Text)));
        Assert.False(first.Done);
        var second = BulkRules.Slice(file, first.NextOffset, first.NextLine, 2);
        Assert.Equal([4L, 6L], second.Lines.Select(l => l.Line));
        Assert.True(second.Done);
        Assert.Equal(4, BulkRules.CountRecords(file, 0));
    }

    [Fact]
    public void a_byte_order_mark_is_not_part_of_the_first_line()
    {
        var file = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Bytes("sku,price\nA,1\n")).ToArray();
        var offset = BulkRules.StartOffset(file);
        Assert.Equal(["sku", "price"], BulkRules.CsvFields(BulkRules.Slice(file, offset, 1, 1).Lines[0].Text));
    }

    [Fact]
    public void csv_lines_are_read_by_their_header_with_quoted_commas_and_a_wrong_field_count_fails()
    {
        string[] header = ["style_code", "variant_code", "name"];
        var row = BulkRules.Parse(BulkFormat.Csv, "TEE,TEE-S,\"Tee, small\"", header);
        Assert.Equal("Tee, small", row.Csv!["name"]);
        var bad = BulkRules.Parse(BulkFormat.Csv, "TEE,TEE-S", header);
        Assert.True(bad.Failed);
        Assert.Contains("2 fields", bad.Error);
    }

    [Fact]
    public void ndjson_lines_must_be_json_objects()
    {
        Assert.True(BulkRules.Parse(BulkFormat.Ndjson, "{not json", null).Failed);
        Assert.Equal("the line is not a JSON object", BulkRules.Parse(BulkFormat.Ndjson, "[1,2]", null).Error);
        Assert.Equal(7, BulkRules.Parse(BulkFormat.Ndjson, "{\"n\":7}", null).Json!["n"].GetInt32());
    }

    [Fact]
    public void csv_texts_are_typed_as_the_target_declares_and_a_text_of_another_type_stays_text()
    {
        var types = Variant.Fields.ToDictionary(f => f.Name, f => f.Type);
        string[] header = ["style", "code", "barcodes", "grams", "active"];
        var source = BulkRules.Parse(BulkFormat.Csv, "TEE,TEE-S,4006381333931|4006381333948,abc,yes", header);
        var mapping = new List<BulkMappingRule>
        {
            new("style_code", "style", null),
            new("variant_code", "code", null),
            new("barcodes", "barcodes", null),
            new("weight_grams", "grams", null),
            new("active", "active", null),
        };
        var record = BulkRules.Map(source, mapping, types);
        Assert.Equal("""{"style_code":"TEE","variant_code":"TEE-S","barcodes":["4006381333931","4006381333948"],"weight_grams":"abc","active":true}""",
            record.ToJsonString());
        Assert.Equal("TEE:TEE-S", BulkRules.NaturalKeyOf(record, Variant.NaturalKey));
    }

    [Fact]
    public void constants_fill_a_field_and_absent_or_null_values_are_left_out()
    {
        var source = BulkRules.Parse(BulkFormat.Ndjson, """{"s":"TEE","v":null}""", null);
        var mapping = new List<BulkMappingRule>
        {
            new("style_code", "s", null),
            new("variant_code", "v", null),
            new("active", null, JsonDocument.Parse("false").RootElement),
            new("weight_grams", "missing", null),
        };
        var record = BulkRules.Map(source, mapping, new Dictionary<string, string>());
        Assert.Equal("""{"style_code":"TEE","active":false}""", record.ToJsonString());
        Assert.Null(BulkRules.NaturalKeyOf(record, Variant.NaturalKey));
    }

    [Fact]
    public void a_mapping_names_only_the_entitys_fields_the_files_columns_and_every_required_field()
    {
        Assert.Equal("unknown_target_field",
            BulkRules.CheckMapping([new("colour", "colour", null), new("style_code", "s", null), new("variant_code", "v", null)], Variant, null)?.Code);
        Assert.Equal("unknown_source_field",
            BulkRules.CheckMapping([new("style_code", "style", null), new("variant_code", "nope", null)], Variant, ["style", "code"])?.Code);
        Assert.Equal(("mapping_incomplete", "variant_code"),
            BulkRules.CheckMapping([new("style_code", "style", null)], Variant, ["style"]) is { } f ? (f.Code, f.Field) : default);
        Assert.Null(BulkRules.CheckMapping([new("style_code", "style", null), new("variant_code", "code", null)], Variant, ["style", "code"]));
    }

    [Fact]
    public void without_a_mapping_the_fields_of_the_same_name_are_taken_and_for_a_csv_only_those_of_its_header()
    {
        Assert.Equal(["style_code", "variant_code", "barcodes", "weight_grams", "active"], BulkRules.MappingOf(null, Variant, null).Select(r => r.Target));
        Assert.Equal(["style_code", "variant_code"], BulkRules.MappingOf([], Variant, ["variant_code", "style_code", "other"]).Select(r => r.Source));
    }

    [Fact]
    public void the_key_sample_holds_at_most_fifty_keys_each_one_of_the_accepted()
    {
        var random = new Random(7);
        IReadOnlyList<string> sample = [];
        long seen = 0;
        for (var slice = 0; slice < 10; slice++)
        {
            var keys = Enumerable.Range(slice * 100, 100).Select(i => $"K{i}").ToList();
            sample = BulkRules.Sample(sample, seen, keys, random);
            seen += keys.Count;
        }
        Assert.Equal(BulkRules.SampleSize, sample.Count);
        Assert.Equal(sample.Count, sample.Distinct().Count());
        // A uniform sample over the whole file reaches beyond the first fifty keys.
        Assert.Contains(sample, k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture) >= 500);
    }

    [Fact]
    public void a_token_used_again_replays_the_slice_it_processed_and_no_other()
    {
        var last = new BulkSliceResult(3, 3001, 4000, new BulkCounts(1000, 990, 0, 0, 10), 1000, null);
        var job = new BulkJob
        {
            JobGuid = Guid.NewGuid().ToString(),
            Kind = BulkKind.Import,
            Entity = "pvm.variant",
            SchemaVersion = 1,
            RequestedBy = "u",
            NextSlice = 4,
            LastSlice = last,
            ContinuationToken = "next",
        };
        Assert.Equal((last, "next", false), BulkJobRules.Replay(job, 3) is { } r ? (r.Slice, r.ContinuationToken, r.Done) : default);
        Assert.Null(BulkJobRules.Replay(job, 2));
        Assert.Null(BulkJobRules.Replay(job, 4));
    }

    [Fact]
    public void reconciliation_matches_only_when_every_sampled_key_is_found()
    {
        var job = new BulkJob
        {
            JobGuid = Guid.NewGuid().ToString(),
            Kind = BulkKind.Import,
            Entity = "pvm.variant",
            SchemaVersion = 1,
            RequestedBy = "u",
            Counts = new BulkCounts(10, 6, 1, 2, 1),
            SampledKeys = ["A", "B"],
        };
        var report = BulkJobRules.Reconcile(job, true, 9, 2, []);
        Assert.Equal((10L, 7L, 2L, 1L, true), (report.FileRecords, report.Written, report.Unchanged, report.Rejected, report.Matched));
        Assert.False(BulkJobRules.Reconcile(job, true, 9, 1, ["B"]).Matched);
    }

    [Fact]
    public void a_quarantined_line_keeps_at_most_the_first_characters_of_its_raw_text()
    {
        var job = new BulkJob { JobGuid = "j", Kind = BulkKind.Import, Entity = "pvm.variant", SchemaVersion = 1, RequestedBy = "u" };
        var item = BulkJobRules.Quarantined(job, 0, new SourceLine(12, new string('x', 5000)), "K", "invalid", "bad", "sku");
        Assert.Equal(("j.0000000012", BulkRules.MaxRawChars), (item.ItemKey, item.Raw.Length));
        _ = JsonNode.Parse("{}");
    }
}
