namespace Retail.Pvm.Taxonomy;

public enum AncestryOutcome
{
    Fits,

    /// <summary>The node would be its own ancestor.</summary>
    Cycle,

    /// <summary>The chain above the node is longer than <see cref="TaxonomyRules.MaxDepth"/>.</summary>
    TooDeep,
}

/// <summary>The taxonomy's structural rules, kept apart from storage so they are tested without a host.</summary>
public static class TaxonomyRules
{
    /// <summary>How deep categories nest below a department; it also bounds every walk up a chain.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Whether <paramref name="self"/> may sit under <paramref name="parent"/>: walks up from the parent through
    /// <paramref name="parentOf"/> (null at the top), at most <see cref="MaxDepth"/> steps.
    /// </summary>
    public static async Task<AncestryOutcome> CheckAncestryAsync(string self, string? parent, Func<string, Task<string?>> parentOf)
    {
        var current = parent;
        for (var depth = 1; current is not null; depth++)
        {
            if (string.Equals(current, self, StringComparison.Ordinal))
            {
                return AncestryOutcome.Cycle;
            }
            if (depth >= MaxDepth)
            {
                return AncestryOutcome.TooDeep;
            }
            current = await parentOf(current);
        }
        return AncestryOutcome.Fits;
    }

    /// <summary>422: the chain of parent categories would be deeper than allowed.</summary>
    public static ProblemHttpResult TooDeep(string field) =>
        ApiProblem.Business("taxonomy_too_deep", "The category tree would be too deep.",
            $"Categories nest at most {MaxDepth} levels below their department.", [new("field", field)]);

    /// <summary>422: a category's parent category belongs to another department.</summary>
    public static ProblemHttpResult ParentInOtherDepartment(string field) =>
        ApiProblem.Business("parent_in_other_department", "The parent category is in another department.",
            "A category and its parent category belong to the same department.", [new("field", field)]);
}
