using System.Text.Json.Serialization;
using Retail.Pmc.Products;

namespace Retail.Pmc.Runs;

/// <summary>
/// A channel's publishability rules (UC-PMC-005). A style and a variant are always required to be active in PVM; the rest
/// is chosen here. Keyed by channel; until set, <see cref="Default"/> applies at revision 0.
/// </summary>
public sealed record PublishProfile : Record
{
    /// <summary>Compliance attribute names a profile may require (PVM's style compliance, snake_case).</summary>
    public static readonly IReadOnlyList<string> ComplianceAttributes =
        ["country_of_origin", "hs_code", "hazmat", "age_restriction", "materials", "certifications"];

    public required string ChannelCode { get; init; }

    /// <summary>A variant needs at least one active barcode.</summary>
    public bool RequireBarcode { get; init; } = true;

    /// <summary>A variant needs a price PPM resolves in the channel (and facility).</summary>
    public bool RequirePrice { get; init; } = true;

    /// <summary>The style's category (and each of its parents) must be active.</summary>
    public bool RequireActiveCategory { get; init; } = true;

    /// <summary>Compliance attributes the style must carry (names from <see cref="ComplianceAttributes"/>).</summary>
    public IReadOnlyList<string> RequiredCompliance { get; init; } = [];

    /// <summary>
    /// Media kinds the style must have: for each, a ready MRS record tagged <c>style:{style_guid}</c> and the kind
    /// (<c>image</c>, <c>size_chart</c>, …).
    /// </summary>
    public IReadOnlyList<string> RequiredMedia { get; init; } = [];

    /// <summary>The logical facility prices resolve for when a run names none (its price zone).</summary>
    public string? FacilityCode { get; init; }

    public string? UpdatedBy { get; init; }

    [JsonIgnore]
    public override string Key => ChannelCode;

    public static PublishProfile Default(string channel) => new() { ChannelCode = channel };

    public static RecordType<PublishProfile> Type { get; } = new RecordType<PublishProfile>("publish_profile");
}

/// <summary>Why a variant (or a whole style) was left out of a run: stable codes, listed in README.md.</summary>
public static class ExclusionRules
{
    public const string StyleNotActive = "style_not_active";
    public const string VariantNotActive = "variant_not_active";
    public const string CategoryNotActive = "category_not_active";
    public const string NoBarcode = "no_barcode";
    public const string NoPrice = "no_price";
    public const string MissingCompliance = "missing_compliance";
    public const string MissingMedia = "missing_media";

    /// <summary>The selector named a variant PVM does not have (or has doomed).</summary>
    public const string UnknownVariant = "unknown_variant";
}

public enum SelectorKind
{
    Variants,
    Style,
    Brand,
    Category,
    All,
}

/// <summary>What a run publishes: named variants (1–100), one style, a brand's or a category's styles, or every style.</summary>
public sealed record RunSelector(SelectorKind Kind, string? Guid, IReadOnlyList<string>? VariantGuids);

public enum RunMode
{
    /// <summary>Stage after stage on its own.</summary>
    Auto,

    /// <summary>One stage per <c>publish/run/step</c>.</summary>
    Manual,
}

public enum RunStatus
{
    Running,
    AwaitingStep,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>Select candidates from PVM → evaluate the profile → write revisions → build the manifest → finish (pack online if asked).</summary>
public enum RunStage
{
    Select,
    Evaluate,
    Write,
    Manifest,
    Finish,
    Done,
}

/// <summary>A run's counts so far. Styles at select; variants from evaluate on.</summary>
public sealed record RunCounts
{
    public int StylesSelected { get; init; }

    public int StylesEvaluated { get; init; }

    public int VariantsSelected { get; init; }

    public int VariantsPublished { get; init; }

    public int VariantsExcluded { get; init; }

    /// <summary>Excluded variants by rule (<see cref="ExclusionRules"/>).</summary>
    public IReadOnlyDictionary<string, int> ExcludedByRule { get; init; } = new Dictionary<string, int>();

    public int RevisionsWritten { get; init; }

    /// <summary>Styles whose content equals their latest revision: no new revision (the latest one goes online if asked).</summary>
    public int RevisionsUnchanged { get; init; }
}

/// <summary>One part of the run's manifest: an MRS upload (gzip NDJSON, one line per variant).</summary>
public sealed record ManifestPart(int Part, string RecordGuid, int Lines, long SizeBytes);

/// <summary>A publish run (UC-PMC-001, UC-PMC-002): a Dapr workflow (the embedded engine in the host) whose progress is kept here.</summary>
public sealed record PublishRun : Record
{
    public required string RunGuid { get; init; }

    public required string ChannelCode { get; init; }

    public string? FacilityCode { get; init; }

    public required RunSelector Selector { get; init; }

    public required string Reason { get; init; }

    public RunMode Mode { get; init; }

    /// <summary>When the run finishes, its revisions go online together as a pack.</summary>
    public bool GoOnline { get; init; }

    public RunStatus Status { get; init; } = RunStatus.Running;

    public RunStage Stage { get; init; } = RunStage.Select;

    public RunCounts Counts { get; init; } = new();

    /// <summary>The profile as the run took it at start (later profile changes do not change a running run).</summary>
    public required PublishProfile Profile { get; init; }

    public IReadOnlyList<ManifestPart> Manifest { get; init; } = [];

    public string? PackGuid { get; init; }

    /// <summary>Select: PVM's next_token of the style list still to read (null before the first page and after the last).</summary>
    public string? SelectToken { get; init; }

    /// <summary>The next <see cref="RunItem.Seq"/> select hands out.</summary>
    public long NextSeq { get; init; }

    /// <summary>Manifest: the last item seq already in a part (-1 before the first).</summary>
    public long ManifestSeq { get; init; } = -1;

    public string? StartedBy { get; init; }

    public string? CancelledBy { get; init; }

    public string? Failure { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public bool IsFinished => Status is RunStatus.Completed or RunStatus.Cancelled or RunStatus.Failed;

    [JsonIgnore]
    public override string Key => RunGuid;

    public static string InstanceIdOf(string orgcode, string runGuid) => $"pmc-run:{orgcode}:{runGuid}";

    public static RecordType<PublishRun> Type { get; } = new RecordType<PublishRun>("publish_run").IndexBy("channel_code", "status");
}

/// <summary>pmc.publish_run.started / finished.</summary>
public sealed record RunChanged(string Orgcode, string RunGuid, string ChannelCode, RunStatus Status, RunStage Stage, RunCounts Counts);

public enum ItemState
{
    Selected,
    Evaluated,
    Written,
}

/// <summary>One variant's verdict in a run: included, or excluded by a rule with a detail.</summary>
public sealed record VariantVerdict(string VariantGuid, string? VariantCode, bool Included, string? Rule, string? Detail);

/// <summary>
/// One style of a run, carried through the stages: selected (with the variants the selector named, or all), evaluated
/// (the snapshot to publish and every variant's verdict), written (the revision number). Keyed <c>{run_guid}:{style_guid}</c>;
/// each stage's page of items commits with the run's counts in one transaction, so a stage that runs again after a
/// restart takes up what is left.
/// </summary>
public sealed record RunItem : Record
{
    public required string RunGuid { get; init; }

    public required string StyleGuid { get; init; }

    public string? StyleCode { get; init; }

    /// <summary>The variants the selector named (a variants selector); null for the whole style.</summary>
    public IReadOnlyList<string>? VariantGuids { get; init; }

    public ItemState State { get; init; } = ItemState.Selected;

    /// <summary>Set at evaluate: the content to publish, or null when nothing of the style is publishable.</summary>
    public ProductSnapshot? Snapshot { get; init; }

    public IReadOnlyList<VariantVerdict> Verdicts { get; init; } = [];

    /// <summary>Set at write: the revision the style has for this run (new, or the unchanged latest).</summary>
    public int? RevisionNo { get; init; }

    public bool Unchanged { get; init; }

    /// <summary>Selection order (the page and position PVM gave), so stages and the manifest read items in a stable order.</summary>
    public long Seq { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(RunGuid, StyleGuid);

    public static string KeyOf(string runGuid, string styleGuid) => $"{runGuid}:{styleGuid}";

    public static RecordType<RunItem> Type { get; } = new RecordType<RunItem>("run_item")
        .IndexBy("run_guid", "state", "seq")
        .IndexBy("run_guid", "seq");
}
