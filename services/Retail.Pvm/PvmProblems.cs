namespace Retail.Pvm;

/// <summary>PVM's own stable error codes. Listed in README.md.</summary>
public static class PvmProblems
{
    /// <summary>422: a referenced record does not exist in this org (or is doomed).</summary>
    public static ProblemHttpResult UnknownReference(string field, string detail) =>
        ApiProblem.Business("unknown_reference", "A referenced record does not exist.", detail, [new("field", field)]);

    /// <summary>422: a referenced record exists but is not in a status that allows the reference (a pending vendor).</summary>
    public static ProblemHttpResult ReferenceNotActive(string field, string detail) =>
        ApiProblem.Business("reference_not_active", "A referenced record is not active.", detail, [new("field", field)]);

    /// <summary>422: a style's primary vendor or manufacturer is not linked to its brand.</summary>
    public static ProblemHttpResult BrandLinkMissing(string field, string detail) =>
        ApiProblem.Business("brand_link_missing", "The brand is not linked to this supplier.", detail, [new("field", field)]);

    /// <summary>409: the move would make a taxonomy node its own ancestor.</summary>
    public static ProblemHttpResult TaxonomyCycle(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "taxonomy_cycle", "A taxonomy node cannot be its own ancestor.", detail);

    /// <summary>409: another variant of the style (on the same OGM) has this combination of options.</summary>
    public static ProblemHttpResult DuplicateVariant(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "duplicate_variant", "The style already has a variant with these options.", detail);

    /// <summary>409: the record is still relied on (active children, active styles, a kit) and cannot be retired or unlinked.</summary>
    public static ProblemHttpResult InUse(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "in_use", "The record is still in use.", detail);

    /// <summary>409: an active or retired OGM is immutable; clone it to change it.</summary>
    public static ProblemHttpResult OgmNotDraft(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "ogm_not_draft", "Only a draft OGM can be changed.", detail);

    /// <summary>409: the kit would contain itself, directly or through nested kits.</summary>
    public static ProblemHttpResult KitCycle(string detail) =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "kit_cycle", "A kit cannot contain itself.", detail);

    /// <summary>422: the option is not one the OGM's axis allows, or an axis has no option.</summary>
    public static ProblemHttpResult OptionNotAllowed(string field, string detail) =>
        ApiProblem.Business("option_not_allowed", "The options do not fit the style's OGM.", detail, [new("field", field)]);
}
