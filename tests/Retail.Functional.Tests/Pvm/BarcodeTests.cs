using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

public sealed class BarcodeTests(PvmHost host) : IClassFixture<PvmHost>
{
    private static long _payload = 400_000_000_000 + Random.Shared.Next(1_000_000);

    /// <summary>A GTIN-13 no other test of this host uses.</summary>
    private static string NewGtin13() => PvmSteps.Gtin13(Interlocked.Increment(ref _payload));

    private static async Task<IReadOnlyList<JsonElement>> Barcodes(IdentifierCatalog catalog, string variantCode) =>
        (await catalog.Ok("/pvm/barcode/list", new { variant_code = variantCode })).Items();

    [Fact]
    public async Task a_wrong_check_digit_is_400_on_barcode_naming_the_digit_it_should_be()
    {
        var catalog = await host.CatalogAsync(1);
        var good = NewGtin13();
        var wrong = good[..12] + (char)('0' + (good[12] - '0' + 1) % 10);

        var refused = await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = wrong }, HttpStatusCode.BadRequest, "validation_failed");
        var message = refused.GetProperty("errors").GetProperty("barcode")[0].GetString()!;
        Assert.Contains($"wrong check digit {wrong[12]}", message, StringComparison.Ordinal);
        Assert.Contains($"should be {good[12]}", message, StringComparison.Ordinal);
        await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = good, symbology = "gtin14" },
            HttpStatusCode.BadRequest, "validation_failed");
        await catalog.Problem("/pvm/barcode/resolve", new { barcode = wrong }, HttpStatusCode.NotFound, "not_found");

        var added = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = good }, HttpStatusCode.Created);
        Assert.Equal("gtin13", added.Str("symbology"));
        Assert.Equal("active", added.Str("status"));
    }

    [Fact]
    public async Task the_symbology_is_inferred_from_the_digits_and_internal_codes_take_any_length()
    {
        var catalog = await host.CatalogAsync(1);
        var gtin8 = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = "96385074" }, HttpStatusCode.Created);
        Assert.Equal("gtin8", gtin8.Str("symbology"));
        var own = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = "SHELF-0042" }, HttpStatusCode.Created);
        Assert.Equal("internal", own.Str("symbology"));
        var digits = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = "2000123", symbology = "internal" }, HttpStatusCode.Created);
        Assert.Equal("internal", digits.Str("symbology"));
        Assert.Equal(3, (await Barcodes(catalog, "tee-s-red")).Count);
    }

    [Fact]
    public async Task a_barcode_held_by_a_live_record_is_409_for_any_variant_of_the_org()
    {
        var catalog = await host.CatalogAsync();
        var gtin = NewGtin13();
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = gtin }, HttpStatusCode.Created);

        var refused = await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-m-red", barcode = gtin }, HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("barcode", refused.Str("field"));
        await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = gtin }, HttpStatusCode.Conflict, "duplicate");
        Assert.Empty(await Barcodes(catalog, "tee-m-red"));

        // Retired still holds the value: it is not removed, only out of use.
        var read = await catalog.Ok("/pvm/barcode/get", new { barcode = gtin });
        await catalog.Ok("/pvm/barcode/status", new { barcode = gtin, status = "retired", reason = "reprinted", expected_revision = read.Revision() });
        await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-m-red", barcode = gtin }, HttpStatusCode.Conflict, "duplicate");
    }

    [Fact]
    public async Task the_first_barcode_is_primary_and_a_new_primary_takes_it_from_the_old_in_one_write()
    {
        var catalog = await host.CatalogAsync(1);
        var (first, second, third) = (NewGtin13(), NewGtin13(), NewGtin13());
        var added = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = first, primary = false }, HttpStatusCode.Created);
        Assert.True(added.GetProperty("primary").GetBoolean());
        added = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = second }, HttpStatusCode.Created);
        Assert.False(added.GetProperty("primary").GetBoolean());
        added = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = third, primary = true }, HttpStatusCode.Created);
        Assert.True(added.GetProperty("primary").GetBoolean());
        var primaries = (await Barcodes(catalog, "tee-s-red")).Where(b => b.GetProperty("primary").GetBoolean()).Select(b => b.Str("value"));
        Assert.Equal([third], primaries);
        var old = await catalog.Ok("/pvm/barcode/get", new { barcode = first });
        Assert.False(old.GetProperty("primary").GetBoolean());
        Assert.Equal(2, old.Revision());

        var second1 = await catalog.Ok("/pvm/barcode/get", new { barcode = second });
        await catalog.Problem("/pvm/barcode/set_primary", new { barcode = second }, HttpStatusCode.BadRequest, "expected_revision_required");
        var moved = await catalog.Ok("/pvm/barcode/set_primary", new { barcode = second, expected_revision = second1.Revision() });
        Assert.True(moved.GetProperty("primary").GetBoolean());
        primaries = (await Barcodes(catalog, "tee-s-red")).Where(b => b.GetProperty("primary").GetBoolean()).Select(b => b.Str("value"));
        Assert.Equal([second], primaries);
    }

    [Fact]
    public async Task eight_concurrent_set_primary_calls_leave_exactly_one_primary()
    {
        var catalog = await host.CatalogAsync(1);
        var values = Enumerable.Range(0, 9).Select(_ => NewGtin13()).ToList();
        foreach (var value in values)
        {
            await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = value }, HttpStatusCode.Created);
        }
        // The first is primary; the other eight race to take it, each from the revision it read.
        var racers = values.Skip(1).ToList();
        var answers = await Task.WhenAll(racers.Select(async value =>
        {
            using var response = await catalog.Owner.Client.Post("/pvm/barcode/set_primary", new { barcode = value, expected_revision = 1 }, catalog.Orgcode);
            return (response.StatusCode, Code: await response.ProblemCodeAsync());
        }));

        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.OK || (a.StatusCode == HttpStatusCode.Conflict
            && a.Code is "revision_mismatch" or "duplicate"), $"{(int)a.StatusCode} {a.Code}"));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        var listed = await Barcodes(catalog, "tee-s-red");
        Assert.Equal(9, listed.Count);
        var primary = Assert.Single(listed, b => b.GetProperty("primary").GetBoolean());
        Assert.Contains(primary.Str("value"), racers);
    }

    [Fact]
    public async Task a_primary_barcode_retires_only_as_the_last_and_a_retired_barcode_resolves_with_its_status_but_not_live()
    {
        var catalog = await host.CatalogAsync(1);
        var (primary, other) = (NewGtin13(), NewGtin13());
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = primary }, HttpStatusCode.Created);
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = other }, HttpStatusCode.Created);

        var member = host.Factory.NewUser("member");
        await catalog.Owner.Join(catalog.Orgcode, member, "member");
        await member.Client.Post("/pvm/barcode/status", new { barcode = other, status = "retired", expected_revision = 1 }, catalog.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await catalog.Problem("/pvm/barcode/status", new { barcode = primary, status = "retired", reason = "reprinted", expected_revision = 1 },
            HttpStatusCode.Conflict, "in_use");

        var retired = await catalog.Ok("/pvm/barcode/status", new { barcode = other, status = "retired", reason = "label withdrawn", expected_revision = 1 });
        Assert.Equal("retired", retired.Str("status"));
        Assert.Equal("label withdrawn", retired.Str("status_reason"));
        await catalog.Problem("/pvm/barcode/status", new { barcode = other, status = "active", expected_revision = 2 },
            HttpStatusCode.Conflict, "invalid_transition");
        await catalog.Problem("/pvm/barcode/set_primary", new { barcode = other, expected_revision = 2 },
            HttpStatusCode.UnprocessableEntity, "reference_not_active");

        var resolved = await catalog.Ok("/pvm/barcode/resolve", new { barcode = other });
        Assert.Equal("barcode", resolved.Str("kind"));
        Assert.Equal("retired", resolved.Str("status"));
        Assert.False(resolved.GetProperty("live").GetBoolean());
        Assert.Equal(catalog.Guid("tee-s-red"), resolved.GetProperty("variant").Str("variant_guid"));
        Assert.Single((await catalog.Ok("/pvm/barcode/list", new { variant_code = "tee-s-red", status = "retired" })).Items());
        Assert.Equal("retired", (await catalog.Ok("/pvm/barcode/get", new { barcode = other })).Str("status"));

        // Now the primary is the variant's last barcode in use: it may go, and it stops being primary.
        var last = await catalog.Ok("/pvm/barcode/status", new { barcode = primary, status = "retired", expected_revision = 1 });
        Assert.False(last.GetProperty("primary").GetBoolean());
        var next = NewGtin13();
        var added = await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = next }, HttpStatusCode.Created);
        Assert.True(added.GetProperty("primary").GetBoolean());
    }

    [Fact]
    public async Task an_inactive_barcode_resolves_as_inactive_and_can_come_back()
    {
        var catalog = await host.CatalogAsync(1);
        var gtin = NewGtin13();
        await catalog.Ok("/pvm/barcode/add", new { variant_code = "tee-s-red", barcode = gtin }, HttpStatusCode.Created);
        await catalog.Ok("/pvm/barcode/status", new { barcode = gtin, status = "inactive", expected_revision = 1 });
        var resolved = await catalog.Ok("/pvm/resolve/barcode", new { barcode = gtin });
        Assert.Equal("inactive", resolved.Str("status"));
        Assert.False(resolved.GetProperty("live").GetBoolean());
        await catalog.Ok("/pvm/barcode/status", new { barcode = gtin, status = "active", expected_revision = 2 });
        Assert.True((await catalog.Ok("/pvm/resolve/barcode", new { barcode = gtin })).GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task a_barcode_needs_a_live_variant_and_lists_and_reads_are_by_the_org()
    {
        var catalog = await host.CatalogAsync();
        await catalog.Problem("/pvm/barcode/add", new { variant_code = "no-such", barcode = NewGtin13() }, HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await catalog.RetireVariant("tee-m-red");
        await catalog.Problem("/pvm/barcode/add", new { variant_code = "tee-m-red", barcode = NewGtin13() },
            HttpStatusCode.UnprocessableEntity, "reference_not_active");
        await catalog.Problem("/pvm/barcode/list", new { variant_code = "no-such" }, HttpStatusCode.NotFound, "not_found");
        await catalog.Problem("/pvm/barcode/get", new { barcode = NewGtin13() }, HttpStatusCode.NotFound, "not_found");
        await catalog.Problem("/pvm/barcode/get", new { barcode = "a|b" }, HttpStatusCode.BadRequest, "validation_failed");
    }
}
