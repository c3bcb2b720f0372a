using FluentValidation;

namespace Retail.Pcm.Policy;

/// <param name="ExpectedRevision">Absent or 0 while no policy was set; the current revision after.</param>
public sealed record SetPolicyRequest(
    IReadOnlyDictionary<string, long>? ApprovalThresholdsMinor,
    long? DefaultApprovalThresholdMinor,
    decimal? OverReceiptTolerancePercent,
    decimal? PriceTolerancePercent,
    decimal? QuantityTolerancePercent,
    ReceiveInto? ReceiveInto,
    long? ExpectedRevision);

public sealed record GetPolicyRequest;

public sealed class GetPolicyRequestValidator : AbstractValidator<GetPolicyRequest>;

public sealed class SetPolicyRequestValidator : AbstractValidator<SetPolicyRequest>
{
    public SetPolicyRequestValidator()
    {
        RuleForEach(r => r.ApprovalThresholdsMinor).Must(p => p.Key is { Length: 3 } && p.Key.All(char.IsAsciiLetterUpper) && p.Value >= 0)
            .WithMessage("each key must be an ISO 4217 code (upper case) and each threshold at least 0");
        RuleFor(r => r.ApprovalThresholdsMinor).Must(t => t!.Count <= 50).When(r => r.ApprovalThresholdsMinor is not null)
            .WithMessage("must have at most 50 currencies");
        RuleFor(r => r.DefaultApprovalThresholdMinor).GreaterThanOrEqualTo(0).When(r => r.DefaultApprovalThresholdMinor is not null);
        RuleFor(r => r.OverReceiptTolerancePercent).InclusiveBetween(0, 100).When(r => r.OverReceiptTolerancePercent is not null);
        RuleFor(r => r.PriceTolerancePercent).InclusiveBetween(0, 100).When(r => r.PriceTolerancePercent is not null);
        RuleFor(r => r.QuantityTolerancePercent).InclusiveBetween(0, 100).When(r => r.QuantityTolerancePercent is not null);
        RuleFor(r => r.ReceiveInto).IsInEnum().When(r => r.ReceiveInto is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <summary>The org's procurement policy (extra endpoints: <c>/policy/set|get</c>); fields left out keep their value.</summary>
public static class PolicyApi
{
    public static RouteGroupBuilder MapPolicy(this IEndpointRouteBuilder routes)
    {
        var policy = routes.MapGroup("/policy").WithTags("Policy");
        policy.MapPost("/set", SetPolicy).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set the procurement policy: PO approval thresholds, over-receipt and invoice tolerances, where receipts land.");
        policy.MapPost("/get", GetPolicy).RequireRole(Role.Viewer).WithSummary("Read the procurement policy (the default at revision 0 until set).");
        return policy;
    }

    public static async Task<Results<Ok<ProcurementPolicy>, ProblemHttpResult>> SetPolicy(SetPolicyRequest request,
        RecordStore<ProcurementPolicy> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, ProcurementPolicy.TheKey, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var current = loaded?.Record ?? ProcurementPolicy.Default;
        var next = current with
        {
            ApprovalThresholdsMinor = request.ApprovalThresholdsMinor ?? current.ApprovalThresholdsMinor,
            DefaultApprovalThresholdMinor = request.DefaultApprovalThresholdMinor ?? current.DefaultApprovalThresholdMinor,
            OverReceiptTolerancePercent = request.OverReceiptTolerancePercent ?? current.OverReceiptTolerancePercent,
            PriceTolerancePercent = request.PriceTolerancePercent ?? current.PriceTolerancePercent,
            QuantityTolerancePercent = request.QuantityTolerancePercent ?? current.QuantityTolerancePercent,
            ReceiveInto = request.ReceiveInto ?? current.ReceiveInto,
            UpdatedBy = context.RequirePrincipal().Id,
        };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk();
    }

    public static async Task<Ok<ProcurementPolicy>> GetPolicy(GetPolicyRequest request, RecordStore<ProcurementPolicy> store, RequestContext context,
        CancellationToken ct) =>
        TypedResults.Ok((await store.GetAsync(context.RequireOrgcode(), ProcurementPolicy.TheKey, ct: ct))?.Record ?? ProcurementPolicy.Default);

    /// <summary>The org's policy as the rules read it (the default until set).</summary>
    public static async Task<ProcurementPolicy> CurrentAsync(this RecordStore<ProcurementPolicy> store, string orgcode, CancellationToken ct) =>
        (await store.GetAsync(orgcode, ProcurementPolicy.TheKey, ct: ct))?.Record ?? ProcurementPolicy.Default;
}
