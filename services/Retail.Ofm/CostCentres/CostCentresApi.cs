using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.CostCentres;

public sealed record CostCentreKey(string? CostCentreGuid, string? Cccode) : IKeyOrCode
{
    [JsonIgnore]
    public string? Guid => CostCentreGuid;

    [JsonIgnore]
    public string? Code => Cccode;
}

public sealed record CreateCostCentreRequest(string? Cccode, string? Name, string? ParentCccode, string? Description);

public sealed record UpdateCostCentreRequest(string? CostCentreGuid, string? Cccode, string? Name, string? ParentCccode, string? Description,
    long? ExpectedRevision) : IUpdateOf<CostCentre>
{
    [JsonIgnore]
    public string? Guid => CostCentreGuid;

    [JsonIgnore]
    public string? Code => Cccode;

    public CostCentre Apply(CostCentre current) => current with
    {
        Name = OfmRules.Trimmed(Name) ?? current.Name,
        ParentCccode = ParentCccode is null ? current.ParentCccode : Codes.Normalize(ParentCccode),
        Description = OfmRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record CostCentreStatusRequest(string? CostCentreGuid, string? Cccode, MasterStatus? Status, string? Reason, long? ExpectedRevision)
    : IStatusChange
{
    [JsonIgnore]
    public string? Guid => CostCentreGuid;

    [JsonIgnore]
    public string? Code => Cccode;
}

public sealed record CostCentreListRequest(MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed class CostCentreKeyValidator : AbstractValidator<CostCentreKey>
{
    public CostCentreKeyValidator() => this.AddKeyRules();
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

public sealed class CostCentreStatusRequestValidator : AbstractValidator<CostCentreStatusRequest>
{
    public CostCentreStatusRequestValidator() => this.AddStatusRules();
}

public sealed class CostCentreListRequestValidator : AbstractValidator<CostCentreListRequest>
{
    public CostCentreListRequestValidator() => this.AddListRules();
}

public static class CostCentresApi
{
    public static RouteGroupBuilder MapCostCentres(this IEndpointRouteBuilder routes)
    {
        var centres = routes.MapGroup("/cost-centre").WithTags("Cost centres");
        centres.MapPost("/create", CreateCostCentre).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a cost centre (cccode).");
        centres.MapPost("/get", MasterDataApi.Get<CostCentre, CostCentreKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a cost centre by cccode.");
        centres.MapPost("/list", MasterDataApi.List<CostCentre, CostCentreListRequest>).RequireRole(Role.Viewer)
            .WithSummary("List the org's cost centres.");
        centres.MapPost("/update", UpdateCostCentre).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a cost centre's name or details.");
        centres.MapPost("/status/set", MasterDataApi.SetStatus<CostCentre, CostCentreStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a cost centre through its lifecycle (active, inactive, retired).");
        return centres;
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
            CostCentreGuid = Guid.CreateVersion7().ToString(),
            Cccode = Codes.Normalize(request.Cccode),
            Name = request.Name!.Trim(),
            ParentCccode = parent,
            Description = OfmRules.Trimmed(request.Description),
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(orgcode, centre, ct: ct), store.Entity);
    }

    public static async Task<Results<Ok<CostCentre>, ProblemHttpResult>> UpdateCostCentre(UpdateCostCentreRequest request,
        RecordStore<CostCentre> store, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.ParentCccode is { } parentCode)
        {
            var parent = Codes.Normalize(parentCode);
            if (parent == Codes.Normalize(request.Cccode) || await store.FindAsync(orgcode, CostCentre.CodeName, parent, ct) is null)
            {
                return OfmProblems.UnknownReference("parent_cccode", $"'{parent}' cannot be the parent of this cost centre.");
            }
        }
        return await MasterDataApi.Update<CostCentre, UpdateCostCentreRequest>(request, store, context, ct);
    }
}
