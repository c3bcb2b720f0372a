using Retail.Pvm.Taxonomy;

namespace Retail.Pvm.Tests;

/// <summary>The walk up a category's would-be ancestors: it finds the node itself, and stops at the depth cap whatever the data holds.</summary>
public sealed class TaxonomyRuleTests
{
    private static Func<string, Task<string?>> ParentsFrom(Dictionary<string, string?> parents) =>
        guid => Task.FromResult(parents.GetValueOrDefault(guid));

    [Fact]
    public async Task a_category_without_a_parent_always_fits() =>
        Assert.Equal(AncestryOutcome.Fits, await TaxonomyRules.CheckAncestryAsync("a", null, ParentsFrom([])));

    [Fact]
    public async Task a_category_under_itself_is_a_cycle() =>
        Assert.Equal(AncestryOutcome.Cycle, await TaxonomyRules.CheckAncestryAsync("a", "a", ParentsFrom([])));

    [Fact]
    public async Task a_category_under_its_own_grandchild_is_a_cycle()
    {
        // a ← b ← c: moving a under c would close the loop.
        var parents = new Dictionary<string, string?> { ["b"] = "a", ["c"] = "b", ["a"] = null };
        Assert.Equal(AncestryOutcome.Cycle, await TaxonomyRules.CheckAncestryAsync("a", "c", ParentsFrom(parents)));
        Assert.Equal(AncestryOutcome.Fits, await TaxonomyRules.CheckAncestryAsync("c", "a", ParentsFrom(parents)));
    }

    [Fact]
    public async Task a_chain_of_31_ancestors_fits_and_one_of_32_is_too_deep()
    {
        var parents = Enumerable.Range(1, 40).ToDictionary(i => $"n{i}", i => i == 1 ? null : (string?)$"n{i - 1}");
        Assert.Equal(AncestryOutcome.Fits, await TaxonomyRules.CheckAncestryAsync("new", "n31", ParentsFrom(parents)));
        Assert.Equal(AncestryOutcome.TooDeep, await TaxonomyRules.CheckAncestryAsync("new", "n32", ParentsFrom(parents)));
    }

    [Fact]
    public async Task a_loop_already_in_the_data_ends_the_walk_at_the_cap()
    {
        var parents = new Dictionary<string, string?> { ["x"] = "y", ["y"] = "x" };
        var reads = 0;
        var outcome = await TaxonomyRules.CheckAncestryAsync("a", "x", guid =>
        {
            reads++;
            return Task.FromResult(parents.GetValueOrDefault(guid));
        });
        Assert.Equal(AncestryOutcome.TooDeep, outcome);
        Assert.True(reads < TaxonomyRules.MaxDepth, $"{reads} reads");
    }
}
