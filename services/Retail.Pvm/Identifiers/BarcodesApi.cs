using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Identifiers;

public sealed record AddBarcodeRequest(string? Guid, string? Code, string? Barcode, BarcodeSymbology? Symbology, bool? Primary) : IMasterRef<Variant>;

public sealed record BarcodeKeyRequest(string? Barcode);

public sealed record SetPrimaryBarcodeRequest(string? Barcode, long? ExpectedRevision) : IRevisioned;

public sealed record BarcodeStatusRequest(string? Barcode, MasterStatus? Status, string? Reason, long? ExpectedRevision) : IRevisioned;

public sealed record BarcodeListRequest(string? Guid, string? Code, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken)
    : IMasterRef<Variant>, IPagedRequest;

public static class BarcodeRules
{
    /// <summary>Long enough for any GTIN and internal code; what a key read accepts.</summary>
    public const int MaxLength = 48;

    /// <summary>The value part of the rule below (a blank value fails it too: the rule reports that as "is required").</summary>
    public static bool IsValue(string? b) =>
        b is not null && b.Length <= MaxLength && b.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    public static IRuleBuilderOptions<T, string?> BarcodeValue<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required")
            .Must(IsValue)
            .WithMessage($"must be 1–{MaxLength} letters, digits, '-', '.' or '_'");
}

public sealed class AddBarcodeRequestValidator : AbstractValidator<AddBarcodeRequest>
{
    private static string? ProblemOf(AddBarcodeRequest r) => r.Barcode is { } b ? Gtin.Problem(b, r.Symbology ?? Gtin.Infer(b)) : "is required";

    public AddBarcodeRequestValidator()
    {
        this.AddVariantRules();
        RuleFor(r => r.Barcode).NotEmpty().WithMessage("is required")
            .Must((r, barcode) => ProblemOf(r) is null)
            .WithMessage((r, _) => ProblemOf(r));
    }
}

public sealed class BarcodeKeyRequestValidator : AbstractValidator<BarcodeKeyRequest>, IQuickValidation
{
    public BarcodeKeyRequestValidator() => RuleFor(r => r.Barcode).BarcodeValue();

    /// <summary>The rule above for a value it accepts (every till's scan, <c>/resolve/barcode</c>); false runs it.</summary>
    public bool Passes(object argument) =>
        argument is BarcodeKeyRequest { Barcode: { } barcode } && !string.IsNullOrWhiteSpace(barcode) && BarcodeRules.IsValue(barcode);
}

public sealed class SetPrimaryBarcodeRequestValidator : AbstractValidator<SetPrimaryBarcodeRequest>
{
    public SetPrimaryBarcodeRequestValidator()
    {
        RuleFor(r => r.Barcode).BarcodeValue();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class BarcodeStatusRequestValidator : AbstractValidator<BarcodeStatusRequest>
{
    public BarcodeStatusRequestValidator()
    {
        RuleFor(r => r.Barcode).BarcodeValue();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class BarcodeListRequestValidator : AbstractValidator<BarcodeListRequest>
{
    public BarcodeListRequestValidator()
    {
        this.AddVariantRules();
        this.AddPagingRules();
    }
}

/// <summary>
/// Barcodes of variants: GTIN-8/12/13/14 with their check digit, or internal codes. Keyed by value, so a value is held by
/// one record: a live holder is 409, a doomed one is revived. One primary per variant (the unique value
/// <c>primary_barcode</c>); moving it changes the old and the new primary in one batch.
/// </summary>
public static class BarcodesApi
{
    public static RouteGroupBuilder MapBarcodes(this IEndpointRouteBuilder routes)
    {
        var barcodes = routes.MapGroup("/barcode").WithTags("Barcodes");
        barcodes.MapPost("/add", Add).RequireRole(Role.Member).AsWrite()
            .WithSummary("Give a variant a barcode (GTIN-8/12/13/14 with its check digit, or internal); its first, or one sent primary, is its primary.");
        barcodes.MapPost("/set_primary", SetPrimary).RequireRole(Role.Member).AsWrite()
            .WithSummary("Make a barcode its variant's primary; the old primary loses it in the same write.");
        barcodes.MapPost("/status", SetStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a barcode through its lifecycle (active, inactive, retired); a primary retires only as its variant's last barcode.");
        barcodes.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a barcode by its value, removed or retired ones included with their status.");
        barcodes.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List a variant's barcodes, by status; removed ones on request.");
        return barcodes;
    }

    public static async Task<Results<Created<Barcode>, ProblemHttpResult>> Add(AddBarcodeRequest request, RecordStore<Barcode> barcodes,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (variant, problem) = await VariantRefs.ForWriteAsync(variants, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var value = request.Barcode!;
        var symbology = request.Symbology ?? Gtin.Infer(value);
        // A second try only when a concurrent add made another barcode the variant's first (primary) meanwhile.
        for (var attempt = 0; ; attempt++)
        {
            var holder = await barcodes.GetAsync(orgcode, value, includeDoomed: true, ct);
            if (holder is { Record.IsDoomed: false })
            {
                return ApiProblem.Duplicate($"Barcode {value} is held by variant {holder.Record.VariantGuid}.", "barcode");
            }
            var primary = await barcodes.FindAsync(orgcode, "primary_barcode", variant!.VariantGuid, ct);
            var makePrimary = request.Primary == true || primary is null;
            var barcode = new Barcode { Value = value, Symbology = symbology, VariantGuid = variant.VariantGuid, Primary = makePrimary };
            DomainEvent added = new(PvmEvents.BarcodeAdded, new BarcodeAdded(orgcode, value, symbology, variant.VariantGuid, makePrimary));
            var batch = new RecordBatch();
            if (makePrimary && primary is not null)
            {
                barcodes.Update(batch, orgcode, primary, primary.Record with { Primary = false });
            }
            var written = holder is null
                ? barcodes.Create(batch, orgcode, barcode, [added])
                : barcodes.Update(batch, orgcode, holder, barcode, VariantRefs.Revived, [added]);
            var commit = await batch.CommitAsync(ct);
            if (commit.Succeeded)
            {
                return TypedResults.Created((string?)null, written);
            }
            if (attempt == 0 && request.Primary != true && commit.Outcome == RecordWriteOutcome.Duplicate)
            {
                continue;
            }
            // A concurrent add of the same value wrote its key first.
            return holder is null && commit.Outcome == RecordWriteOutcome.RevisionMismatch && await barcodes.GetAsync(orgcode, value, ct: ct) is not null
                ? ApiProblem.Duplicate($"Barcode {value} was just added by another request.", "barcode")
                : commit.Problem();
        }
    }

    public static async Task<Results<Ok<Barcode>, ProblemHttpResult>> SetPrimary(SetPrimaryBarcodeRequest request, RecordStore<Barcode> barcodes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await barcodes.LoadForChangeAsync(orgcode, request.Barcode, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var target = loaded!.Record;
        if (target.Status == MasterStatus.Retired)
        {
            return PvmProblems.ReferenceNotActive("barcode", $"Barcode {target.Value} is retired and cannot be primary.");
        }
        if (target.Primary)
        {
            return TypedResults.Ok(target);
        }
        var primary = await barcodes.FindAsync(orgcode, "primary_barcode", target.VariantGuid, ct);
        var batch = new RecordBatch();
        if (primary is not null)
        {
            barcodes.Update(batch, orgcode, primary, primary.Record with { Primary = false });
        }
        var updated = barcodes.Update(batch, orgcode, loaded, target with { Primary = true });
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded ? TypedResults.Ok(updated) : commit.Problem();
    }

    public static async Task<Results<Ok<Barcode>, ProblemHttpResult>> SetStatus(BarcodeStatusRequest request, RecordStore<Barcode> barcodes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await barcodes.LoadForChangeAsync(orgcode, request.Barcode, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (MasterLifecycle.Machine.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = to, StatusReason = RequestRules.Trimmed(request.Reason) };
        if (to == MasterStatus.Retired && current.Primary)
        {
            // Retiring the primary would leave a variant that still scans by other barcodes without one: move it first.
            var others = await barcodes.ListAsync(orgcode,
                [StateFilter.Eq("variant_guid", current.VariantGuid), StateFilter.In("status", MasterStatus.Active, MasterStatus.Inactive)], limit: 2, ct: ct);
            if (others.Items.Any(b => b.Value != current.Value))
            {
                return PvmProblems.InUse($"Barcode {current.Value} is its variant's primary; make another barcode primary before retiring it.");
            }
            next = next with { Primary = false };
        }
        DomainEvent changed = new(PvmEvents.BarcodeStatusChanged, new BarcodeStatusChanged(orgcode, current.Value, current.VariantGuid, current.Status, to));
        return (await barcodes.UpdateAsync(orgcode, loaded, next, "status_changed", [changed], ct)).ToOk();
    }

    public static async Task<Results<Ok<Barcode>, ProblemHttpResult>> Get(BarcodeKeyRequest request, RecordStore<Barcode> barcodes,
        RequestContext context, CancellationToken ct) =>
        await barcodes.GetAsync(context.RequireOrgcode(), request.Barcode!, includeDoomed: true, ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such barcode in this org.");

    public static async Task<Results<Ok<Page<Barcode>>, ProblemHttpResult>> List(BarcodeListRequest request, RecordStore<Barcode> barcodes,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await VariantRefs.ForReadAsync(variants, orgcode, request, ct) is not { } variant)
        {
            return ApiProblem.NotFound("No such variant in this org.");
        }
        List<StateFilter> filters = [StateFilter.Eq("variant_guid", variant.VariantGuid)];
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await barcodes.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, request.IncludeDoomed ?? false, ct: ct));
    }
}
