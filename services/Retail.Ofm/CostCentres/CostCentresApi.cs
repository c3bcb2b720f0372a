using FluentValidation;
using Retail.Ofm.MasterData;
using Retail.Shared;

namespace Retail.Ofm.CostCentres;

public sealed record CreateCostCentreRequest(string? Cccode, string? Name, string? ParentCccode, string? Description);

public sealed record UpdateCostCentreRequest(string? Guid, string? Code, string? Name, string? ParentCccode, string? Description,
    long? ExpectedRevision) : IUpdateOf<CostCentre>
{
    public CostCentre Apply(CostCentre current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        ParentCccode = ParentCccode is null ? current.ParentCccode : Codes.Normalize(ParentCccode),
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed class CreateCostCentreRequestValidator : AbstractValidator<CreateCostCentreRequest>
{
    public CreateCostCentreRequestValidator()
    {
        RuleFor(r => r.Cccode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.ParentCccode).OptionalCode();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateCostCentreRequestValidator : AbstractValidator<UpdateCostCentreRequest>
{
    public UpdateCostCentreRequestValidator()
    {
        this.AddUpdateRules<UpdateCostCentreRequest, CostCentre>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.ParentCccode).OptionalCode();
        RuleFor(r => r.Description).Text(1000);
    }
}

public static class CostCentresApi
{
    public static RouteGroupBuilder MapCostCentres(this IEndpointRouteBuilder routes)
    {
        var centres = routes.MapGroup("/cost-centre").WithTags("Cost centres");
        return centres.MapMasterData(OfmMasterData.Routes<CostCentre>(CreateCostCentre, update: UpdateCostCentre, statusPath: "/status/set"));
    }

    public static async Task<Results<Created<CostCentre>, ProblemHttpResult>> CreateCostCentre(CreateCostCentreRequest request,
        RecordStore<CostCentre> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var parent = request.ParentCccode is null ? null : Codes.Normalize(request.ParentCccode);
        if (parent is not null && await store.FindAsync(orgcode, CostCentre.CodeName, parent, ct) is null)
        {
            return OfmProblems.UnknownReference("parent_cccode", $"No cost centre '{parent}' in this org.");
        }
        var centre = new CostCentre
        {
            CostCentreGuid = Ids.New(),
            Cccode = Codes.Normalize(request.Cccode),
            Name = request.Name!.Trim(),
            ParentCccode = parent,
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(orgcode, centre, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<CostCentre>, ProblemHttpResult>> UpdateCostCentre(UpdateCostCentreRequest request,
        RecordStore<CostCentre> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.ParentCccode is { } parentCode)
        {
            var parent = Codes.Normalize(parentCode);
            if (parent == Codes.Normalize(request.Code) || await store.FindAsync(orgcode, CostCentre.CodeName, parent, ct) is null)
            {
                return OfmProblems.UnknownReference("parent_cccode", $"'{parent}' cannot be the parent of this cost centre.");
            }
        }
        return await MasterDataApi.Update<CostCentre, UpdateCostCentreRequest>(request, store, context, ct);
    }
}
