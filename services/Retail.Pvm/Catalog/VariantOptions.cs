using Retail.Pvm.Options;

namespace Retail.Pvm.Catalog;

public sealed record VariantOptionRequest(string? OptionGroupCode, string? OptionCode);

/// <summary>Why options do not fit a model: the field to name and what is wrong (422 <c>option_not_allowed</c>).</summary>
public sealed record OptionMisfit(string Field, string Detail)
{
    public ProblemHttpResult ToProblem() => PvmProblems.OptionNotAllowed(Field, Detail);
}

/// <summary>How a variant's options meet its style's OGM: one per axis, from the axis's allowed options, stored in axis order.</summary>
public static class VariantOptions
{
    /// <summary>The requested options in axis order, or why they do not fit (an unknown group, a value the axis does not allow, an axis left out).</summary>
    public static (IReadOnlyList<VariantOption>? Options, OptionMisfit? Misfit) Fit(Ogm ogm, IReadOnlyList<VariantOptionRequest> requested)
    {
        var byGroup = new Dictionary<string, (int Index, string Code)>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            var group = Codes.Normalize(requested[i].OptionGroupCode);
            if (!ogm.Axes.Any(a => a.OptionGroupCode == group))
            {
                return (null, new OptionMisfit($"options[{i}].option_group_code", $"Model '{ogm.OgmCode}' has no '{group}' axis."));
            }
            byGroup[group] = (i, Codes.Normalize(requested[i].OptionCode));
        }
        var options = new List<VariantOption>(ogm.Axes.Count);
        foreach (var axis in ogm.Axes)
        {
            if (!byGroup.TryGetValue(axis.OptionGroupCode, out var chosen))
            {
                return (null, new OptionMisfit("options", $"No option for the '{axis.OptionGroupCode}' axis; every axis of '{ogm.OgmCode}' needs one."));
            }
            if (!axis.OptionCodes.Contains(chosen.Code, StringComparer.Ordinal))
            {
                return (null, new OptionMisfit($"options[{chosen.Index}].option_code",
                    $"'{chosen.Code}' is not an allowed '{axis.OptionGroupCode}' of model '{ogm.OgmCode}' revision {ogm.OgmRevision}."));
            }
            options.Add(new VariantOption(axis.OptionGroupCode, chosen.Code));
        }
        return (options, null);
    }

    /// <summary>
    /// A stale variant's options carried onto a new model: for each new axis the value given, else the old value of that
    /// group; a value the new axis does not allow, or a new axis with no value, must be given.
    /// </summary>
    public static (IReadOnlyList<VariantOption>? Options, OptionMisfit? Misfit) Carry(Ogm ogm, IReadOnlyList<VariantOption> old,
        IReadOnlyList<VariantOptionRequest> given)
    {
        var merged = old.Where(o => ogm.Axes.Any(a => a.OptionGroupCode == o.OptionGroupCode))
            .Where(o => !given.Any(g => Codes.Normalize(g.OptionGroupCode) == o.OptionGroupCode))
            .Select(o => new VariantOptionRequest(o.OptionGroupCode, o.OptionCode))
            .ToList();
        var (options, misfit) = Fit(ogm, [.. given, .. merged]);
        if (misfit is null)
        {
            return (options, null);
        }
        // A carried value is not one the client wrote: name its group instead of an index into a list it never sent.
        var index = misfit.Field.StartsWith("options[", StringComparison.Ordinal)
            ? int.Parse(misfit.Field.AsSpan(8, misfit.Field.IndexOf(']') - 8), System.Globalization.CultureInfo.InvariantCulture)
            : -1;
        return index >= given.Count
            ? (null, new OptionMisfit("options", $"{misfit.Detail} Give a '{merged[index - given.Count].OptionGroupCode}' option for the new model."))
            : (null, misfit);
    }
}
