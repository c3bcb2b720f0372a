using Retail.Pcm.Buying;
using Retail.Shared.Contract;

namespace Retail.Pcm.Tests;

public sealed class BuyingTests
{
    [Fact]
    public void At_or_below_the_threshold_anyone_approves_above_it_an_admin_who_is_not_the_creator()
    {
        Assert.Equal(ApprovalRefusal.None, PoRules.CheckApproval(100_000, 100_000, "buyer", Role.Member, "buyer"));
        Assert.Equal(ApprovalRefusal.SameActor, PoRules.CheckApproval(100_001, 100_000, "buyer", Role.Member, "buyer"));
        Assert.Equal(ApprovalRefusal.SameActor, PoRules.CheckApproval(100_001, 100_000, "owner", Role.Owner, "owner"));
        Assert.Equal(ApprovalRefusal.NeedsAdmin, PoRules.CheckApproval(100_001, 100_000, "other", Role.Member, "buyer"));
        Assert.Equal(ApprovalRefusal.None, PoRules.CheckApproval(100_001, 100_000, "admin", Role.Admin, "buyer"));

        // No threshold at all: every PO needs an admin who did not create it, even one of 0.
        Assert.Equal(ApprovalRefusal.SameActor, PoRules.CheckApproval(0, null, "admin", Role.Admin, "admin"));
        Assert.Equal(ApprovalRefusal.NeedsAdmin, PoRules.CheckApproval(0, null, "member", Role.Member, "admin"));
    }

    [Fact]
    public void A_generated_po_number_has_the_day_and_the_guids_random_tail()
    {
        var at = new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.FromHours(-2));
        Assert.Equal("PO-20261203-ABCDEF", PoRules.NumberFor("01931a2b-0000-7000-8000-000000abcdef", at));
    }

    [Fact]
    public void Closing_closes_short_only_the_lines_not_fully_received()
    {
        var lines = new[]
        {
            new PoLine(1, "a", 10, 100) { Status = PoLineStatus.Received, Received = 10 },
            new PoLine(2, "b", 10, 100) { Status = PoLineStatus.PartiallyReceived, Received = 4 },
            new PoLine(3, "c", 10, 100),
        };
        Assert.Equal([PoLineStatus.Received, PoLineStatus.Closed, PoLineStatus.Closed], PoRules.CloseLines(lines).Select(l => l.Status));
        Assert.Equal(4, PoRules.CloseLines(lines)[1].Received);
    }

    [Fact]
    public void The_expected_date_is_the_given_one_or_today_plus_the_lead_time()
    {
        var now = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 12, 9), PoRules.ExpectedAt(null, 7, now));
        Assert.Equal(new DateOnly(2027, 1, 15), PoRules.ExpectedAt(new DateOnly(2027, 1, 15), 7, now));
        Assert.Null(PoRules.ExpectedAt(null, null, now));
    }

    [Fact]
    public void The_edi_850_carries_the_header_terms_lines_and_totals_in_x12_segments()
    {
        var created = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var po = new PurchaseOrder
        {
            PoGuid = "01931a2b-0000-7000-8000-000000abcdef",
            PoNumber = "PO-1",
            VendorGuid = "v",
            VendorCode = "acme",
            ShipToFacilityCode = "store-1",
            Currency = "EUR",
            Lines = [new PoLine(1, "g1", 10, 1_250), new PoLine(2, "g2", 4, 999)],
            Terms = new PoTerms("net 30", 7, new DateOnly(2026, 12, 9), null),
            TotalMinor = 16_496,
            CreatedBy = "buyer",
            CreatedAt = created,
        };
        var at = new DateTimeOffset(2026, 12, 2, 14, 5, 0, TimeSpan.Zero);
        var text = Edi850.Build(po!, "org-1", at, "000000042", new Dictionary<string, string> { ["g1"] = "tee-s-red" });
        var segments = text.Split("~\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("ISA*00*          *00*          *ZZ*ORG-1          *ZZ*ACME           *261202*1405*U*00401*000000042*0*P*>", segments[0]);
        Assert.Equal("GS*PO*ORG-1*ACME*20261202*1405*42*X*004010", segments[1]);
        Assert.Equal(["ST*850*0001", "BEG*00*SA*PO-1**20261201", "CUR*BY*EUR", "ITD*01*3**********net 30", "DTM*002*20261209",
            "N1*ST**92*store-1", "N1*VN**92*acme", "PO1*1*10*EA*12.50**VP*tee-s-red*BP*g1", "PO1*2*4*EA*9.99**BP*g2", "CTT*2*14", "AMT*TT*164.96",
            "SE*12*0001"], segments[2..^2]);
        Assert.Equal(["GE*1*42", "IEA*1*000000042"], segments[^2..]);
        Assert.Equal(text, Edi850.Build(po!, "org-1", at, "000000042", new Dictionary<string, string> { ["g1"] = "tee-s-red" }));
    }

    [Fact]
    public void Amounts_follow_the_currencys_minor_unit_and_elements_lose_x12_delimiters()
    {
        Assert.Equal(("1250", "12.50", "1.250"), (Edi850.Amount(1_250, "JPY"), Edi850.Amount(1_250, "EUR"), Edi850.Amount(1_250, "KWD")));
        Assert.Equal("a b c d", Edi850.Element("a*b~c>d"));
        Assert.Equal(Edi850.ControlNumberOf("x"), Edi850.ControlNumberOf("x"));
        Assert.Matches("^[0-9]{9}$", Edi850.ControlNumberOf("01931a2b-0000-7000-8000-000000abcdef"));
    }

    [Fact]
    public void Worksheet_lines_group_into_one_po_per_vendor_and_facility_numbered_in_worksheet_order()
    {
        var groups = WorksheetRules.Group([
            new WorksheetLine(1, "v1", "store-1", 10, 100, "acme-guid", "acme"),
            new WorksheetLine(2, "v2", "store-2", 5, 100, "acme-guid", "acme"),
            new WorksheetLine(3, "v3", "store-1", 3, 200, "acme-guid", "acme"),
            new WorksheetLine(4, "v1", "store-1", 7, 90, "globex-guid", "globex"),
        ]);
        Assert.Equal([("acme", "store-1", 2), ("acme", "store-2", 1), ("globex", "store-1", 1)],
            groups.Select(g => (g.VendorCode, g.FacilityCode, g.Lines.Count)).ToArray());
        Assert.Equal([(1, "v1", 10L), (2, "v3", 3L)], groups[0].Lines.Select(l => (l.LineNo, l.VariantGuid, l.Quantity)).ToArray());
    }
}
