using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ics;

/// <summary>
/// UC-ICS-002 for an order of many lines: a batch reserves every line or none in one change, continues every hold and
/// releases every hold (or part of one) the same way.
/// </summary>
public sealed class HoldBatchTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static object Line(string variant, long quantity, string? facility = null, string? lineRef = null) =>
        new { variant_guid = variant, quantity, facility_code = facility, line_ref = lineRef };

    private static Task<HttpResponseMessage> ReserveBatch(IcsOrg org, string orderId, params object[] lines) =>
        org.Post("/ics/hold/batch/reserve", new { reference = new { kind = "order", id = orderId }, facility_code = "store-1", lines });

    private static IReadOnlyList<JsonElement> Holds(JsonElement batch) => batch.GetProperty("holds").EnumerateArray().ToList();

    private static object Items(IEnumerable<JsonElement> holds) =>
        holds.Select(h => new { hold_guid = HoldSteps.HoldGuid(h), expected_revision = HoldSteps.Revision(h) }).ToList();

    private static async Task<(long Available, long Reserved, long Allocated, long Committed)> StockOf(IcsOrg org, string facility, string variant)
    {
        var s = await org.Stock(facility, variant);
        return (s.GetProperty("available").GetInt64(), s.GetProperty("reserved").GetInt64(), s.GetProperty("allocated").GetInt64(),
            s.GetProperty("committed").GetInt64());
    }

    [Fact]
    public async Task UC_ICS_002_a_batch_reserves_every_line_in_one_change_then_continues_and_releases_every_hold()
    {
        var org = await host.NewOrgAsync();
        var (a, b, c) = (org.Variants[0], org.Variants[1], org.Variants[2]);
        await org.Receive("store-1", a, 10);
        await org.Receive("store-1", b, 10);
        await org.Receive("dc-1", c, 10);

        var reserved = await ReserveBatch(org, "o-1", Line(a, 2, lineRef: "1"), Line(b, 3, lineRef: "2"), Line(c, 4, "dc-1", "3")).Ok(HttpStatusCode.Created);
        var holds = Holds(reserved);
        Assert.Equal(3, holds.Count);
        Assert.Equal(["1", "2", "3"], holds.Select(h => h.GetProperty("line_ref").GetString()));
        Assert.Equal(["store-1", "store-1", "dc-1"], holds.Select(h => h.GetProperty("facility_code").GetString()));
        Assert.All(holds, h => Assert.Equal(("reserved", "active"), (h.GetProperty("stage").GetString(), h.GetProperty("status").GetString())));
        Assert.Equal((8, 2, 0, 0), await StockOf(org, "store-1", a));
        Assert.Equal((7, 3, 0, 0), await StockOf(org, "store-1", b));
        Assert.Equal((6, 4, 0, 0), await StockOf(org, "dc-1", c));
        var byOrder = await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-1" } }).Ok();
        Assert.Equal(3, byOrder.GetProperty("items").GetArrayLength());

        var allocated = Holds(await org.Post("/ics/hold/batch/continue", new { holds = Items(holds), stage = "allocated" }).Ok());
        Assert.All(allocated, h => Assert.Equal("allocated", h.GetProperty("stage").GetString()));
        Assert.Equal(holds.Select(HoldSteps.HoldGuid), allocated.Select(h => h.GetProperty("from_hold_guid").GetString()));
        Assert.Equal((8, 0, 2, 0), await StockOf(org, "store-1", a));
        var old = await org.Post("/ics/hold/get", new { hold_guid = HoldSteps.HoldGuid(holds[0]) }).Ok();
        Assert.Equal(("released", "allocated"), (old.GetProperty("status").GetString(), old.GetProperty("status_reason").GetString()));
        // A hold that was continued cannot be continued again (at the revision it was, or at its current one), and nothing of the batch moves.
        await org.Post("/ics/hold/batch/continue", new { holds = Items(holds), stage = "committed" }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/ics/hold/batch/continue", new { holds = holds.Select(h => new { hold_guid = HoldSteps.HoldGuid(h), expected_revision = 2 }), stage = "committed" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal((8, 0, 2, 0), await StockOf(org, "store-1", a));

        var committed = Holds(await org.Post("/ics/hold/batch/continue", new { holds = Items(allocated), stage = "committed" }).Ok());
        Assert.All(committed, h => Assert.Equal("committed", h.GetProperty("stage").GetString()));
        Assert.Equal((7, 0, 0, 3), await StockOf(org, "store-1", b));
        Assert.Equal((6, 0, 0, 4), await StockOf(org, "dc-1", c));

        // Part of one hold, all of another: one change; the part released leaves the rest held at its stage.
        var released = Holds(await org.Post("/ics/hold/batch/release", new
        {
            holds = new object[]
            {
                new { hold_guid = HoldSteps.HoldGuid(committed[0]), expected_revision = 1, quantity = 1 },
                new { hold_guid = HoldSteps.HoldGuid(committed[1]), expected_revision = 1 },
            },
            reason = "customer cancelled",
        }).Ok());
        Assert.Equal(("active", 1, 2), (released[0].GetProperty("status").GetString(), released[0].GetProperty("quantity").GetInt64(), HoldSteps.Revision(released[0])));
        Assert.Equal(("released", "customer cancelled"), (released[1].GetProperty("status").GetString(), released[1].GetProperty("status_reason").GetString()));
        Assert.Equal((9, 0, 0, 1), await StockOf(org, "store-1", a));
        Assert.Equal((10, 0, 0, 0), await StockOf(org, "store-1", b));
        foreach (var (facility, variant) in new[] { ("store-1", a), ("store-1", b), ("dc-1", c) })
        {
            Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, facility, variant)).Agrees);
        }
    }

    [Fact]
    public async Task UC_ICS_002_a_batch_with_short_lines_holds_nothing_and_names_every_short_line()
    {
        var org = await host.NewOrgAsync();
        var (a, b, c) = (org.Variants[0], org.Variants[1], org.Variants[2]);
        await org.Receive("store-1", a, 10);
        await org.Receive("store-1", b, 1);

        var refused = await ReserveBatch(org, "o-2", Line(a, 5, lineRef: "1"), Line(b, 2, lineRef: "2"), Line(c, 1, lineRef: "3"))
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var lines = refused.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["2", "3"], lines.Select(l => l.GetProperty("line_ref").GetString()));
        Assert.Equal((2, 1), (lines[0].GetProperty("requested").GetInt64(), lines[0].GetProperty("available").GetInt64()));
        Assert.Equal((1, 0), (lines[1].GetProperty("requested").GetInt64(), lines[1].GetProperty("available").GetInt64()));
        Assert.Equal(2, refused.GetProperty("shortfalls").GetArrayLength());
        Assert.Equal((10, 0, 0, 0), await StockOf(org, "store-1", a));
        Assert.Equal((1, 0, 0, 0), await StockOf(org, "store-1", b));
        Assert.Equal(0, (await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = "o-2" } }).Ok()).GetProperty("items").GetArrayLength());

        // Two lines of one variant count together against its stock.
        await ReserveBatch(org, "o-3", Line(a, 6), Line(a, 5)).Problem(HttpStatusCode.Conflict, "insufficient_stock");
        var both = Holds(await ReserveBatch(org, "o-3", Line(a, 6), Line(a, 4)).Ok(HttpStatusCode.Created));
        Assert.Equal(2, both.Count);
        Assert.Equal((0, 10, 0, 0), await StockOf(org, "store-1", a));
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", a)).Agrees);
    }

    [Fact]
    public async Task UC_ICS_002_a_batch_is_refused_for_bad_input_unknown_references_and_stale_or_ended_holds()
    {
        var org = await host.NewOrgAsync();
        var a = org.Variants[3];
        await org.Receive("store-1", a, 5);

        await org.Post("/ics/hold/batch/reserve", new { reference = new { kind = "order", id = "o" }, facility_code = "store-1", lines = Array.Empty<object>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/hold/batch/reserve", new { reference = new { kind = "order", id = "o" }, lines = new[] { Line(a, 1) } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/hold/batch/reserve", new { facility_code = "store-1", lines = new[] { Line(a, 1) } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await ReserveBatch(org, "o", Line(a, 0)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await ReserveBatch(org, "o", Line(a, 1, lineRef: "1"), Line(a, 1, lineRef: "1")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await ReserveBatch(org, "o", Line(a, 1), Line(Guid.NewGuid().ToString(), 1)).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await ReserveBatch(org, "o", Line(a, 1, "nowhere")).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal((5, 0, 0, 0), await StockOf(org, "store-1", a));

        var holds = Holds(await ReserveBatch(org, "o-4", Line(a, 2)).Ok(HttpStatusCode.Created));
        var guid = HoldSteps.HoldGuid(holds[0]);
        await org.Post("/ics/hold/batch/continue", new { holds = new[] { new { hold_guid = guid } }, stage = "allocated" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ics/hold/batch/continue", new { holds = new[] { new { hold_guid = guid, expected_revision = 1 } }, stage = "reserved" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/hold/batch/continue", new { holds = new[] { new { hold_guid = guid, expected_revision = 1 }, new { hold_guid = guid, expected_revision = 1 } },
            stage = "allocated" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var stale = await org.Post("/ics/hold/batch/continue", new { holds = new[] { new { hold_guid = guid, expected_revision = 3 } }, stage = "allocated" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(guid, stale.GetProperty("hold_guid").GetString());
        await org.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = Guid.NewGuid().ToString(), expected_revision = 1 } } })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = guid, expected_revision = 1, quantity = 3 } } })
            .Problem(HttpStatusCode.UnprocessableEntity, "quantity_exceeds_hold");

        await org.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = guid, expected_revision = 1 } } }).Ok();
        await org.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = guid, expected_revision = 2 } } })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        // skip_ended: a hold that already ended is answered as it stands, whatever revision the caller last saw.
        var skipped = Holds(await org.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = guid, expected_revision = 1 } }, skip_ended = true }).Ok());
        Assert.Equal("released", skipped[0].GetProperty("status").GetString());
        Assert.Equal((5, 0, 0, 0), await StockOf(org, "store-1", a));

        var other = await host.NewOrgAsync("icx");
        await other.Post("/ics/hold/batch/release", new { holds = new[] { new { hold_guid = guid, expected_revision = 2 } } })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_ICS_002_the_same_idempotency_key_twice_reserves_a_batch_once()
    {
        var org = await host.NewOrgAsync();
        var (a, b) = (org.Variants[4], org.Variants[5]);
        await org.Receive("store-1", a, 5);
        await org.Receive("store-1", b, 5);
        var body = new { reference = new { kind = "order", id = "o-idem" }, facility_code = "store-1", lines = new[] { Line(a, 1, lineRef: "1"), Line(b, 2, lineRef: "2") } };
        var key = HttpJson.Headers(("Idempotency-Key", "o-idem:place"), ("x-orgcode", org.Orgcode));

        var first = await org.Owner.Client.PostJsonAsync("/ics/hold/batch/reserve", body, key).Ok(HttpStatusCode.Created);
        var again = await org.Owner.Client.PostJsonAsync("/ics/hold/batch/reserve", body, key).Ok(HttpStatusCode.Created);

        Assert.Equal(Holds(first).Select(HoldSteps.HoldGuid), Holds(again).Select(HoldSteps.HoldGuid));
        Assert.Equal((4, 1, 0, 0), await StockOf(org, "store-1", a));
        Assert.Equal((3, 2, 0, 0), await StockOf(org, "store-1", b));
    }

    [Fact]
    public async Task UC_ICS_002_64_concurrent_single_line_batches_for_the_last_10_units_exactly_10_hold()
    {
        var org = await host.NewOrgAsync();
        var a = org.Variants[0];
        await org.Receive("store-1", a, 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => ReserveBatch(org, $"o-{i}", Line(a, 1, lineRef: "1"))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(54, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((0, 10, 0, 0), await StockOf(org, "store-1", a));
        Assert.True((await host.Factory.ReconcileAsync(org.Orgcode, "store-1", a)).Agrees);
        Assert.Equal(10, await org.ActiveClaimAsync("store-1", [a], a));
    }
}
