using Retail.Crm.Customers;
using Retail.Crm.Merge;

namespace Retail.Crm.Tests;

public sealed class DedupeRulesTests
{
    private static Customer Person(string guid, string? email = null, string? phone = null, string given = "Ada", string family = "Lovelace",
        string? postcode = null, string country = "GB", IReadOnlyDictionary<string, string>? ids = null) => new()
        {
            CustomerGuid = guid,
            Email = email,
            Phone = phone,
            GivenName = given,
            FamilyName = family,
            Addresses = postcode is null ? [] : [new CustomerAddress(null, "1 Main St", null, "London", null, postcode, country)],
            ExternalIds = ids ?? new Dictionary<string, string>(),
            CreatedBy = "u",
        };

    [Theory]
    [InlineData("Ada.Lovelace+shop@GoogleMail.com", "adalovelace@gmail.com")]
    [InlineData(" ada.lovelace@gmail.com ", "adalovelace@gmail.com")]
    [InlineData("a.b+news@example.com", "a.b@example.com")]
    [InlineData("A.B@Example.COM", "a.b@example.com")]
    [InlineData("+tag@example.com", null)]
    [InlineData("no-at-sign", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_canonical_email_is_the_mailbox_it_reaches(string? email, string? canonical) =>
        Assert.Equal(canonical, DedupeRules.CanonicalEmail(email));

    [Fact]
    public void Postcodes_are_compared_without_case_spaces_or_dashes_and_per_country()
    {
        var address = new CustomerAddress(null, "1 Main St", null, "London", null, "sw1a-1aa", "gb");
        Assert.Equal("GB:SW1A1AA", DedupeRules.PostcodeKey(address));
        Assert.Null(DedupeRules.PostcodeKey(address with { Postcode = " " }));
        Assert.Equal(["shopify:123"], DedupeRules.ExternalIdKeys(new Dictionary<string, string> { ["Shopify"] = " 123 ", ["pos"] = " " }));
    }

    [Fact]
    public void Names_are_normalised_before_they_are_compared_and_a_swapped_order_still_matches()
    {
        Assert.Equal("jose alvarez", DedupeRules.NormalizedName(" José ", "Álvarez!"));
        Assert.Equal(1.0, DedupeRules.NameSimilarity(Person("a", given: "Ada", family: "Lovelace"), Person("b", given: "Lovelace", family: "Ada")));
        Assert.Null(DedupeRules.NameSimilarity(Person("a", given: "", family: ""), Person("b")));
    }

    [Fact]
    public void Canonical_email_variants_match_with_the_email_weight()
    {
        var match = DedupeRules.Compare(Person("a", "ada.lovelace+shop@gmail.com"), Person("b", "adalovelace@googlemail.com"));
        Assert.NotNull(match);
        Assert.Equal([DedupeReasons.SameEmail], match.Reasons);
        Assert.Equal(0.9, match.Score);
    }

    [Fact]
    public void A_similar_name_matches_only_at_the_same_postcode_and_a_different_name_not_at_all()
    {
        var ada = Person("a", postcode: "SW1A 1AA");
        var typo = DedupeRules.Compare(ada, Person("b", family: "Lovelance", postcode: "sw1a-1aa"));
        Assert.NotNull(typo);
        Assert.Equal([DedupeReasons.SimilarNameSamePostcode], typo.Reasons);
        Assert.InRange(typo.NameSimilarity!.Value, DedupeRules.NameThreshold, 1.0);
        Assert.InRange(typo.Score, 0.6, 0.75);
        Assert.Null(DedupeRules.Compare(ada, Person("b", family: "Lovelance", postcode: "SW1A 1AB")));
        Assert.Null(DedupeRules.Compare(ada, Person("b", family: "Lovelance", postcode: "SW1A 1AA", country: "IE")));
        Assert.Null(DedupeRules.Compare(ada, Person("b", given: "Charles", family: "Babbage", postcode: "SW1A 1AA")));
    }

    [Fact]
    public void Several_reasons_score_higher_than_any_alone_and_never_above_one()
    {
        var ids = new Dictionary<string, string> { ["shopify"] = "123" };
        var all = DedupeRules.Compare(Person("a", "ada@example.com", "+442079460958", postcode: "N1 9GU", ids: ids),
            Person("b", "Ada+x@example.com", "+442079460958", postcode: "N19GU", ids: ids));
        Assert.NotNull(all);
        Assert.Equal([DedupeReasons.SameEmail, DedupeReasons.SamePhone, DedupeReasons.SameExternalId, DedupeReasons.SimilarNameSamePostcode], all.Reasons);
        Assert.InRange(all.Score, 0.99, 1.0);
        var one = DedupeRules.Compare(Person("a", ids: ids), Person("b", ids: ids))!;
        Assert.Equal([DedupeReasons.SameExternalId], one.Reasons);
        Assert.Equal(0.8, one.Score);
    }

    [Fact]
    public void A_pair_has_one_guid_whichever_side_is_named_first()
    {
        var a = Guid.CreateVersion7().ToString();
        var b = Guid.CreateVersion7().ToString();
        Assert.Equal(DedupeRules.PairGuidOf(a, b), DedupeRules.PairGuidOf(b, a));
        Assert.NotEqual(DedupeRules.PairGuidOf(a, b), DedupeRules.PairGuidOf(a, Guid.CreateVersion7().ToString()));
        Assert.True(Guid.TryParse(DedupeRules.PairGuidOf(a, b), out _));
        Assert.True(string.CompareOrdinal(DedupeRules.RankOf(0.9, "x"), DedupeRules.RankOf(0.75, "y")) > 0);
        Assert.True(string.CompareOrdinal(DedupeRules.RankOf(1.0, "x"), DedupeRules.RankOf(0.99, "y")) > 0);
    }

    [Fact]
    public void A_dismissed_pair_stays_dismissed_while_it_matches_is_cleared_when_it_does_not_and_a_merged_side_ends_it()
    {
        var a = Person("a", "ada@example.com") with { Revision = 1 };
        var b = Person("b", "ada+x@example.com") with { Revision = 1 };
        var created = DedupeFinder.Rescore(null, "p", "a", "b", a, b)!;
        Assert.Equal((DedupeStatus.Open, 0.9), (created.Status, created.Score));
        Assert.Null(DedupeFinder.Rescore(created, "p", "a", "b", a, b));

        var dismissed = created with { Status = DedupeStatus.Dismissed, DismissedAt = DateTimeOffset.UnixEpoch, DismissedBy = "u" };
        Assert.Null(DedupeFinder.Rescore(dismissed, "p", "a", "b", a, b with { GivenName = "Adah", Revision = 2 }));
        var cleared = DedupeFinder.Rescore(dismissed, "p", "a", "b", a, b with { Email = "someone@example.com", Revision = 2 })!;
        Assert.Equal((DedupeStatus.Cleared, 0.0, 0), (cleared.Status, cleared.Score, cleared.Reasons.Count));
        Assert.Equal(DedupeStatus.Dismissed, DedupeFinder.Rescore(cleared, "p", "a", "b", a, b with { Revision = 3 })!.Status);
        Assert.Null(DedupeFinder.Rescore(null, "p", "a", "b", a, b with { Email = "someone@example.com" }));

        var merged = DedupeFinder.Rescore(created, "p", "a", "b", a, b with { Status = CustomerStatus.Merged, MergedInto = "a", Revision = 2 })!;
        Assert.Equal((DedupeStatus.Merged, 2L), (merged.Status, merged.RevisionB));
        Assert.Null(DedupeFinder.Rescore(merged, "p", "a", "b", a, b));
        Assert.Null(DedupeFinder.Rescore(null, "p", "a", "b", a, null));
    }
}
