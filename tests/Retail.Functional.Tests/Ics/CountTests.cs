using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ics.Stock;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Functional.Tests.Ics;

/// <summary>UC-ICS-004: count plans, counts that snapshot the expected stock, submit, approve (variances become movements) or reject.</summary>
public sealed class CountTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static IEnumerable<(string? Variant, string? Bin, JsonElement Line)> Lines(JsonElement count) =>
        count.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("variant_guid").GetString(), l.GetProperty("bin_code").GetString(), l));

    [Fact]
    public async Task UC_ICS_004_a_zone_plan_is_counted_submitted_and_approved_into_movements_and_balances()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.ZoneWithBinsAsync("store-1", "backroom", "a1", "a2");
        await host.SeedAsync(org, "store-1", org.Variants[0], 10, "a1");
        await host.SeedAsync(org, "store-1", org.Variants[1], 5, "a2");

        var plan = await org.Post("/ics/count/plan/set", new { plan_code = "backroom-weekly", facility_code = "store-1", zone_code = "backroom", cadence = "weekly", blind = false })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("active", plan.GetProperty("status").GetString());
        var count = await member.Client.Post("/ics/count/create", new { plan_code = "backroom-weekly" }, org.Orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("open", count.GetProperty("status").GetString());
        Assert.Equal(["a1", "a2"], count.GetProperty("bin_codes").EnumerateArray().Select(b => b.GetString()).Order(StringComparer.Ordinal));
        var expected = Lines(count).ToDictionary(l => (l.Variant, l.Bin), l => l.Line.GetProperty("expected").GetInt64());
        Assert.Equal(new Dictionary<(string?, string?), long> { [(org.Variants[0], "a1")] = 10, [(org.Variants[1], "a2")] = 5 }, expected);
        var guid = count.GetProperty("count_guid").GetString();

        var submitted = await member.Client.Post("/ics/count/submit", new
        {
            count_guid = guid,
            expected_revision = 1,
            lines = new object[]
            {
                new { variant_guid = org.Variants[0], bin_code = "a1", counted = 8 },
                new { variant_guid = org.Variants[1], bin_code = "a2", counted = 5 },
                new { variant_guid = org.Variants[2], bin_code = "a2", counted = 3 },
            },
        }, org.Orgcode).Ok();
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        var variances = Lines(submitted).ToDictionary(l => (l.Variant, l.Bin), l => l.Line.GetProperty("variance").GetInt64());
        Assert.Equal(new Dictionary<(string?, string?), long> { [(org.Variants[0], "a1")] = -2, [(org.Variants[1], "a2")] = 0, [(org.Variants[2], "a2")] = 3 },
            variances);

        await member.Client.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }, org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ics/count/approve", new { count_guid = guid }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var approved = await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }).Ok();
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal(org.Owner.UserGuid, approved.GetProperty("decided_by").GetString());

        Assert.Equal(8, (await host.PositionAsync(org, "store-1", org.Variants[0]))!.Available);
        Assert.Equal(5, (await host.PositionAsync(org, "store-1", org.Variants[1]))!.Available);
        Assert.Equal(3, (await host.PositionAsync(org, "store-1", org.Variants[2]))!.Available);
        Assert.Equal(8, await host.BinQuantityAsync(org, "store-1", "a1", org.Variants[0]));
        Assert.Equal(3, await host.BinQuantityAsync(org, "store-1", "a2", org.Variants[2]));
        var card = await host.MovementsOfCountAsync(org, guid!);
        Assert.Equal(2, card.Count);
        Assert.Single(card.Select(m => m.ChangeGuid).Distinct());
        Assert.All(card, m => Assert.Equal("count_variance", m.Reason));
        var lost = Assert.Single(card, m => m.VariantGuid == org.Variants[0]);
        Assert.Equal((StockState?)StockState.Available, lost.FromState);
        Assert.Null(lost.ToState);
        Assert.Equal(("a1", 2L), (lost.FromBin, lost.Quantity));
        var found = Assert.Single(card, m => m.VariantGuid == org.Variants[2]);
        Assert.Equal((null, (StockState?)StockState.Available, "a2", 3L), (found.FromState, found.ToState, found.ToBin, found.Quantity));

        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 3, lines = Array.Empty<object>() }, org.Orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        var listed = await org.Post("/ics/count/list", new { plan_code = "backroom-weekly" }).Ok();
        Assert.Equal([guid], listed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("count_guid").GetString()));
    }

    [Fact]
    public async Task UC_ICS_004_a_facility_count_without_bins_expects_the_on_hand_quantity_and_books_the_variance_against_the_snapshot()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await host.SeedAsync(org, "dc-1", org.Variants[3], 10);
        await host.SeedAsync(org, "dc-1", org.Variants[3], 2, state: StockState.QcHold);
        var count = await member.Client.Post("/ics/count/create", new { facility_code = "dc-1" }, org.Orgcode).Ok(HttpStatusCode.Created);
        var line = Assert.Single(Lines(count));
        Assert.Equal((org.Variants[3], (string?)null, 12L), (line.Variant, line.Bin, line.Line.GetProperty("expected").GetInt64()));
        Assert.Equal(JsonValueKind.Null, count.GetProperty("bin_codes").ValueKind);
        var guid = count.GetProperty("count_guid").GetString();

        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[3], bin_code = "a1", counted = 1 } } },
            org.Orgcode).Problem(HttpStatusCode.UnprocessableEntity, "bin_not_in_count");
        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[4], counted = 1 } } },
            org.Orgcode).Problem(HttpStatusCode.UnprocessableEntity, "count_incomplete");
        await member.Client.Post("/ics/count/submit", new
        {
            count_guid = guid,
            expected_revision = 1,
            lines = new[] { new { variant_guid = org.Variants[3], counted = 15L }, new { variant_guid = Guid.CreateVersion7().ToString(), counted = 1L } },
        }, org.Orgcode).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[3], counted = -1 } } },
            org.Orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[3], counted = 15 } } },
            org.Orgcode).Ok();

        // Stock moves between the snapshot and the approval: the variance (15 - 12 = 3) is still what is booked.
        await host.SeedAsync(org, "dc-1", org.Variants[3], 4);
        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }).Ok();
        var position = (await host.PositionAsync(org, "dc-1", org.Variants[3]))!;
        Assert.Equal((17L, 2L), (position.Available, position.QcHold));
    }

    [Fact]
    public async Task UC_ICS_004_a_blind_count_hides_expected_quantities_below_admin()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.BinAsync("store-1", "b1");
        await host.SeedAsync(org, "store-1", org.Variants[0], 7, "b1");
        var count = await member.Client.Post("/ics/count/create", new { facility_code = "store-1", bin_codes = new[] { "B1" }, blind = true }, org.Orgcode)
            .Ok(HttpStatusCode.Created);
        var guid = count.GetProperty("count_guid").GetString();
        Assert.True(count.GetProperty("expected_hidden").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Assert.Single(Lines(count)).Line.GetProperty("expected").ValueKind);
        Assert.DoesNotContain("\"expected\":7", (await member.Client.Post("/ics/count/get", new { count_guid = guid }, org.Orgcode).Ok()).GetRawText(), StringComparison.Ordinal);
        var listed = await member.Client.Post("/ics/count/list", new { facility_code = "store-1", status = "open" }, org.Orgcode).Ok();
        Assert.True(Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("expected_hidden").GetBoolean());

        var asAdmin = await org.Post("/ics/count/get", new { count_guid = guid }).Ok();
        Assert.False(asAdmin.GetProperty("expected_hidden").GetBoolean());
        Assert.Equal(7, Assert.Single(Lines(asAdmin)).Line.GetProperty("expected").GetInt64());

        var submitted = await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[0], bin_code = "b1", counted = 6 } } },
            org.Orgcode).Ok();
        Assert.Equal(JsonValueKind.Null, Assert.Single(Lines(submitted)).Line.GetProperty("variance").ValueKind);
        Assert.Equal(-1, Assert.Single(Lines(await org.Post("/ics/count/get", new { count_guid = guid }).Ok())).Line.GetProperty("variance").GetInt64());
    }

    [Fact]
    public async Task UC_ICS_004_the_submitter_cannot_approve_and_a_rejected_count_moves_nothing()
    {
        var org = await host.NewOrgAsync();
        await org.BinAsync("store-1", "c1");
        await host.SeedAsync(org, "store-1", org.Variants[5], 4, "c1");
        var guid = (await org.Post("/ics/count/create", new { facility_code = "store-1", bin_codes = new[] { "c1" } }).Ok(HttpStatusCode.Created))
            .GetProperty("count_guid").GetString();
        await org.Post("/ics/count/reject", new { count_guid = guid, expected_revision = 1, reason = "Not counted yet." }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[5], bin_code = "c1", counted = 0 } } }).Ok();

        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.Forbidden, "segregation_of_duties");
        await org.Post("/ics/count/reject", new { count_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var rejected = await org.Post("/ics/count/reject", new { count_guid = guid, expected_revision = 2, reason = "Pallet hidden behind the door." }).Ok();
        Assert.Equal(("rejected", "Pallet hidden behind the door."), (rejected.GetProperty("status").GetString(), rejected.GetProperty("reject_reason").GetString()));
        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(4, (await host.PositionAsync(org, "store-1", org.Variants[5]))!.Available);
        Assert.Empty(await host.MovementsOfCountAsync(org, guid!));

        // A recount is a new count, with a fresh snapshot.
        var recount = await org.Post("/ics/count/create", new { facility_code = "store-1", bin_codes = new[] { "c1" } }).Ok(HttpStatusCode.Created);
        Assert.NotEqual(guid, recount.GetProperty("count_guid").GetString());
        Assert.Equal(4, Assert.Single(Lines(recount)).Line.GetProperty("expected").GetInt64());
    }

    [Fact]
    public async Task UC_ICS_004_a_shortfall_found_at_approval_refuses_it_unless_the_facility_allows_negative_available()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.BinAsync("store-1", "k1");
        await host.SeedAsync(org, "store-1", org.Variants[4], 5, "k1");
        var headers = OfmSteps.Org(org.Orgcode, ("Idempotency-Key", $"count-{Guid.NewGuid():N}"));
        var body = new { facility_code = "store-1", bin_codes = new[] { "k1" } };
        var guid = (await member.Client.PostJsonAsync("/ics/count/create", body, headers).Ok(HttpStatusCode.Created)).GetProperty("count_guid").GetString();
        Assert.Equal(guid, (await member.Client.PostJsonAsync("/ics/count/create", body, headers).Ok(HttpStatusCode.Created)).GetProperty("count_guid").GetString());
        Assert.Single((await org.Post("/ics/count/list", new { facility_code = "store-1" }).Ok()).GetProperty("items").EnumerateArray());
        await member.Client.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[4], bin_code = "k1", counted = 0 } } },
            org.Orgcode).Ok();

        // Three were shipped after the snapshot: booking the snapshot's variance (-5) would take available and the bin below zero.
        await host.TakeAsync(org, "store-1", org.Variants[4], 3, "k1");
        var refused = await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.NotEmpty(refused.GetProperty("shortfalls").EnumerateArray());
        var still = await org.Post("/ics/count/get", new { count_guid = guid }).Ok();
        Assert.Equal(("submitted", 2L), (still.GetProperty("status").GetString(), still.GetProperty("revision").GetInt64()));
        Assert.Equal(2, (await host.PositionAsync(org, "store-1", org.Variants[4]))!.Available);

        await org.Post("/ics/facility/policy/set", new { facility_code = "store-1", allow_negative_available = true }).Ok();
        await org.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 2 }).Ok();
        Assert.Equal(-3, (await host.PositionAsync(org, "store-1", org.Variants[4]))!.Available);
        Assert.True(Assert.Single(await host.MovementsOfCountAsync(org, guid!)).WentNegative);
    }

    [Fact]
    public async Task UC_ICS_004_plans_are_set_by_code_with_revisions_and_counts_refuse_what_they_cannot_count()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.BinAsync("store-1", "d1");
        var plan = await member.Client.Post("/ics/count/plan/set", new { plan_code = "d-daily", facility_code = "store-1", bin_codes = new[] { "d1" }, cadence = "daily", blind = true },
            org.Orgcode).Ok(HttpStatusCode.Created);
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "d-daily", facility_code = "store-1", cadence = "weekly" }, org.Orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "d-daily", facility_code = "store-1", cadence = "weekly", expected_revision = 5 }, org.Orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var changed = await member.Client.Post("/ics/count/plan/set", new { plan_code = "d-daily", facility_code = "store-1", cadence = "weekly", expected_revision = 1 },
            org.Orgcode).Ok();
        Assert.Equal((plan.GetProperty("plan_guid").GetString(), "weekly", 2L),
            (changed.GetProperty("plan_guid").GetString(), changed.GetProperty("cadence").GetString(), changed.GetProperty("revision").GetInt64()));
        Assert.Equal("weekly", (await org.Post("/ics/count/plan/get", new { plan_code = "d-daily" }).Ok()).GetProperty("cadence").GetString());
        Assert.Single((await org.Post("/ics/count/plan/list", new { facility_code = "store-1" }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty((await org.Post("/ics/count/plan/list", new { facility_code = "dc-1" }).Ok()).GetProperty("items").EnumerateArray());

        await member.Client.Post("/ics/count/plan/set", new { plan_code = "x", facility_code = "store-1", cadence = "daily" }, org.Orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "bad-bins", facility_code = "store-1", bin_codes = new[] { "d1" }, zone_code = "z", cadence = "daily" },
            org.Orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "nowhere", facility_code = "store-9", cadence = "daily" }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "no-bin", facility_code = "store-1", bin_codes = new[] { "zz9" }, cadence = "daily" }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "no-zone", facility_code = "store-1", zone_code = "zz9", cadence = "daily" }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        await member.Client.Post("/ics/count/plan/status/set", new { plan_code = "d-daily", status = "inactive", expected_revision = 2 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post("/ics/count/plan/status/set", new { plan_code = "d-daily", status = "inactive", expected_revision = 2 }).Ok();
        await member.Client.Post("/ics/count/create", new { plan_code = "d-daily" }, org.Orgcode).Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        await member.Client.Post("/ics/count/create", new { plan_code = "nope" }, org.Orgcode).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await member.Client.Post("/ics/count/create", new { plan_code = "d-daily", facility_code = "store-1" }, org.Orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Client.Post("/ics/count/create", new { }, org.Orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Client.Post("/ics/count/create", new { facility_code = "store-1", bin_codes = new[] { "d1", "D1" } }, org.Orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/count/plan/status/set", new { plan_code = "d-daily", status = "retired", expected_revision = 3 }).Ok();
        await member.Client.Post("/ics/count/plan/set", new { plan_code = "d-daily", facility_code = "store-1", cadence = "daily", expected_revision = 4 }, org.Orgcode)
            .Problem(HttpStatusCode.Conflict, "plan_retired");
        await org.Post("/ics/count/get", new { count_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task counts_and_plans_of_one_org_are_not_found_in_another()
    {
        var org = await host.NewOrgAsync();
        var other = await host.NewOrgAsync();
        await org.BinAsync("store-1", "e1");
        await host.SeedAsync(org, "store-1", org.Variants[0], 3, "e1");
        await org.Post("/ics/count/plan/set", new { plan_code = "e-plan", facility_code = "store-1", bin_codes = new[] { "e1" }, cadence = "ad_hoc" }).Ok(HttpStatusCode.Created);
        var guid = (await org.Post("/ics/count/create", new { plan_code = "e-plan" }).Ok(HttpStatusCode.Created)).GetProperty("count_guid").GetString();

        await other.Post("/ics/count/get", new { count_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/count/submit", new { count_guid = guid, expected_revision = 1, lines = new[] { new { variant_guid = org.Variants[0], bin_code = "e1", counted = 3 } } })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/count/approve", new { count_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/count/plan/get", new { plan_code = "e-plan" }).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Post("/ics/count/create", new { plan_code = "e-plan" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Empty((await other.Post("/ics/count/list", new { }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty((await other.Post("/ics/count/plan/list", new { }).Ok()).GetProperty("items").EnumerateArray());
    }
}

/// <summary>
/// Setup for the count, bin and comment tests. Stock is put in place through the ledger itself (the receiving endpoints
/// are another area's), and balances and the stock card are read from its records.
/// </summary>
internal static class CountSteps
{
    public static async Task<(IcsOrg Org, TestUser Member)> OrgWithMemberAsync(IcsHost host)
    {
        var org = await host.NewOrgAsync();
        var member = host.Factory.NewUser("counter");
        await org.Owner.Join(org.Orgcode, member, "member");
        return (org, member);
    }

    public static async Task<JsonElement> BinAsync(this IcsOrg org, string facilityCode, string binCode, string? zoneCode = null, string kind = "pick") =>
        await org.Post("/ics/bin/create", new { facility_code = facilityCode, bin_code = binCode, zone_code = zoneCode, kind }).Ok(HttpStatusCode.Created);

    public static async Task ZoneWithBinsAsync(this IcsOrg org, string facilityCode, string zoneCode, params string[] binCodes)
    {
        await org.Post("/ics/zone/create", new { facility_code = facilityCode, zone_code = zoneCode, name = $"Zone {zoneCode}" }).Ok(HttpStatusCode.Created);
        foreach (var bin in binCodes)
        {
            await org.BinAsync(facilityCode, bin, zoneCode);
        }
    }

    public static async Task SeedAsync(this IcsHost host, IcsOrg org, string facilityCode, string variantGuid, long quantity, string? binCode = null,
        StockState state = StockState.Available)
    {
        using var scope = host.Factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<StockLedger>().ApplyAsync(org.Orgcode,
            [new StockMove(facilityCode, variantGuid, null, state, quantity, ToBin: binCode)], new MoveReason("receipt"));
        Assert.True(result.Succeeded);
    }

    /// <summary>Takes stock out of a bin (shipped), through the ledger.</summary>
    public static async Task TakeAsync(this IcsHost host, IcsOrg org, string facilityCode, string variantGuid, long quantity, string binCode)
    {
        using var scope = host.Factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<StockLedger>().ApplyAsync(org.Orgcode,
            [new StockMove(facilityCode, variantGuid, StockState.Available, null, quantity, FromBin: binCode)], new MoveReason("ship"));
        Assert.True(result.Succeeded);
    }

    public static async Task<Position?> PositionAsync(this IcsHost host, IcsOrg org, string facilityCode, string variantGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<Position>>().GetAsync(org.Orgcode, Position.KeyOf(facilityCode, variantGuid)))?.Record;
    }

    public static async Task<long> BinQuantityAsync(this IcsHost host, IcsOrg org, string facilityCode, string binCode, string variantGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        var balance = await scope.ServiceProvider.GetRequiredService<RecordStore<BinBalance>>()
            .GetAsync(org.Orgcode, BinBalance.KeyOf(facilityCode, binCode, variantGuid));
        return balance?.Record.Quantity ?? 0;
    }

    public static async Task<IReadOnlyList<Movement>> MovementsOfCountAsync(this IcsHost host, IcsOrg org, string countGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        var page = await scope.ServiceProvider.GetRequiredService<RecordStore<Movement>>().ListAsync(org.Orgcode,
            [StateFilter.Eq("reference.kind", "count"), StateFilter.Eq("reference.id", countGuid)], 500);
        return page.Items;
    }
}
