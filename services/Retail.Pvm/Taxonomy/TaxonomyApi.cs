using FluentValidation;
using Retail.Pvm.Catalog;
using Retail.Shared;

namespace Retail.Pvm.Taxonomy;

public sealed record CreateDivisionRequest(string? DivisionCode, string? Name, string? Description);

public sealed record UpdateDivisionRequest(string? Guid, string? Code, string? Name, string? Description, long? ExpectedRevision) : IUpdateOf<Division>
{
    public Division Apply(Division current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record CreateDepartmentRequest(string? DepartmentCode, string? DivisionGuid, string? DivisionCode, string? Name, string? Description);

/// <summary>A change to a department; naming a division moves it there.</summary>
public sealed record UpdateDepartmentRequest(string? Guid, string? Code, string? DivisionGuid, string? DivisionCode, string? Name, string? Description,
    long? ExpectedRevision) : IUpdateOf<Department>
{
    public bool Moves => DivisionGuid is not null || DivisionCode is not null;

    public Department Apply(Department current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record DepartmentListRequest(string? DivisionGuid, string? DivisionCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit,
    string? NextToken) : IMasterList;

/// <summary>A category under a department, optionally under a parent category of that department (the department follows from the parent).</summary>
public sealed record CreateCategoryRequest(string? CategoryCode, string? DepartmentGuid, string? DepartmentCode, string? ParentCategoryGuid,
    string? ParentCategoryCode, string? Name, string? Description);

/// <summary>
/// A change to a category. Naming a parent category moves it under that parent (and into its department); naming only a
/// department moves it to the top of that department.
/// </summary>
public sealed record UpdateCategoryRequest(string? Guid, string? Code, string? DepartmentGuid, string? DepartmentCode, string? ParentCategoryGuid,
    string? ParentCategoryCode, string? Name, string? Description, long? ExpectedRevision) : IUpdateOf<Category>
{
    public bool NamesDepartment => DepartmentGuid is not null || DepartmentCode is not null;

    public bool NamesParent => ParentCategoryGuid is not null || ParentCategoryCode is not null;

    public Category Apply(Category current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

public sealed record CategoryListRequest(string? DepartmentGuid, string? DepartmentCode, string? ParentCategoryGuid, string? ParentCategoryCode,
    MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed record CreateSeasonRequest(string? SeasonCode, string? Name, DateOnly? StartsOn, DateOnly? EndsOn);

public sealed record UpdateSeasonRequest(string? Guid, string? Code, string? Name, DateOnly? StartsOn, DateOnly? EndsOn, long? ExpectedRevision)
    : IUpdateOf<Season>
{
    public Season Apply(Season current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        StartsOn = StartsOn ?? current.StartsOn,
        EndsOn = EndsOn ?? current.EndsOn,
    };
}

internal static class TaxonomyRefRules
{
    /// <summary>An optional reference by guid or code, each well formed.</summary>
    public static void AddOptionalRef<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> code, string entity)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName($"{entity}_guid");
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName($"{entity}_code");
    }

    public static void AddRequiredRef<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> code, string entity)
    {
        validator.AddOptionalRef(guid, code, entity);
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || !string.IsNullOrWhiteSpace(code(r)))
            .OverridePropertyName($"{entity}_guid").WithMessage($"name the {entity.Replace('_', ' ')} by {entity}_guid or {entity}_code");
    }
}

public sealed class CreateDivisionRequestValidator : AbstractValidator<CreateDivisionRequest>
{
    public CreateDivisionRequestValidator()
    {
        RuleFor(r => r.DivisionCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateDivisionRequestValidator : AbstractValidator<UpdateDivisionRequest>
{
    public UpdateDivisionRequestValidator()
    {
        this.AddUpdateRules<UpdateDivisionRequest, Division>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class CreateDepartmentRequestValidator : AbstractValidator<CreateDepartmentRequest>
{
    public CreateDepartmentRequestValidator()
    {
        RuleFor(r => r.DepartmentCode).BusinessCode();
        this.AddRequiredRef(r => r.DivisionGuid, r => r.DivisionCode, "division");
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateDepartmentRequestValidator : AbstractValidator<UpdateDepartmentRequest>
{
    public UpdateDepartmentRequestValidator()
    {
        this.AddUpdateRules<UpdateDepartmentRequest, Department>();
        this.AddOptionalRef(r => r.DivisionGuid, r => r.DivisionCode, "division");
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class DepartmentListRequestValidator : AbstractValidator<DepartmentListRequest>
{
    public DepartmentListRequestValidator()
    {
        this.AddListRules();
        this.AddOptionalRef(r => r.DivisionGuid, r => r.DivisionCode, "division");
    }
}

public sealed class CreateCategoryRequestValidator : AbstractValidator<CreateCategoryRequest>
{
    public CreateCategoryRequestValidator()
    {
        RuleFor(r => r.CategoryCode).BusinessCode();
        this.AddOptionalRef(r => r.DepartmentGuid, r => r.DepartmentCode, "department");
        this.AddOptionalRef(r => r.ParentCategoryGuid, r => r.ParentCategoryCode, "parent_category");
        RuleFor(r => r.DepartmentGuid)
            .Must((r, g) => !string.IsNullOrWhiteSpace(g) || !string.IsNullOrWhiteSpace(r.DepartmentCode)
                || !string.IsNullOrWhiteSpace(r.ParentCategoryGuid) || !string.IsNullOrWhiteSpace(r.ParentCategoryCode))
            .OverridePropertyName("department_guid").WithMessage("name the department (department_guid or department_code) or a parent category");
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateCategoryRequestValidator : AbstractValidator<UpdateCategoryRequest>
{
    public UpdateCategoryRequestValidator()
    {
        this.AddUpdateRules<UpdateCategoryRequest, Category>();
        this.AddOptionalRef(r => r.DepartmentGuid, r => r.DepartmentCode, "department");
        this.AddOptionalRef(r => r.ParentCategoryGuid, r => r.ParentCategoryCode, "parent_category");
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class CategoryListRequestValidator : AbstractValidator<CategoryListRequest>
{
    public CategoryListRequestValidator()
    {
        this.AddListRules();
        this.AddOptionalRef(r => r.DepartmentGuid, r => r.DepartmentCode, "department");
        this.AddOptionalRef(r => r.ParentCategoryGuid, r => r.ParentCategoryCode, "parent_category");
    }
}

public sealed class CreateSeasonRequestValidator : AbstractValidator<CreateSeasonRequest>
{
    public CreateSeasonRequestValidator()
    {
        RuleFor(r => r.SeasonCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.StartsOn).NotNull().WithMessage("is required");
        RuleFor(r => r.EndsOn).NotNull().WithMessage("is required");
        RuleFor(r => r.EndsOn).GreaterThanOrEqualTo(r => r.StartsOn).When(r => r.StartsOn is not null && r.EndsOn is not null)
            .WithMessage("must be on or after starts_on");
    }
}

public sealed class UpdateSeasonRequestValidator : AbstractValidator<UpdateSeasonRequest>
{
    public UpdateSeasonRequestValidator()
    {
        this.AddUpdateRules<UpdateSeasonRequest, Season>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.EndsOn).GreaterThanOrEqualTo(r => r.StartsOn).When(r => r.StartsOn is not null && r.EndsOn is not null)
            .WithMessage("must be on or after starts_on");
    }
}

/// <summary>
/// The merchandise hierarchy (UC-PVM-003): divisions → departments → categories (a category may sit under another of
/// its department), and seasons. Parents must be active; a move may not make a category its own ancestor; a node with
/// active children or styles is not retired.
/// </summary>
public static class TaxonomyApi
{
    public static IEndpointRouteBuilder MapTaxonomy(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/division").WithTags("Taxonomy").MapMasterData(new MasterRoutes<Division>
        {
            Create = CreateDivision,
            CreatePath = "",
            Update = MasterDataApi.Update<Division, UpdateDivisionRequest>,
            StatusGuard = DivisionGuard,
        });
        routes.MapGroup("/department").WithTags("Taxonomy").MapMasterData(new MasterRoutes<Department>
        {
            Create = CreateDepartment,
            CreatePath = "",
            Update = UpdateDepartment,
            List = ListDepartments,
            StatusGuard = DepartmentGuard,
        });
        routes.MapGroup("/category").WithTags("Taxonomy").MapMasterData(new MasterRoutes<Category>
        {
            Create = CreateCategory,
            CreatePath = "",
            Update = UpdateCategory,
            List = ListCategories,
            StatusGuard = CategoryGuard,
        });
        routes.MapGroup("/season").WithTags("Taxonomy").MapMasterData(new MasterRoutes<Season>
        {
            Create = CreateSeason,
            CreatePath = "",
            Update = UpdateSeason,
            StatusGuard = SeasonGuard,
        });
        return routes;
    }

    public static async Task<Results<Created<Division>, ProblemHttpResult>> CreateDivision(CreateDivisionRequest request, RecordStore<Division> store,
        RequestContext context, CancellationToken ct)
    {
        var division = new Division
        {
            DivisionGuid = Ids.New(),
            DivisionCode = Codes.Normalize(request.DivisionCode),
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), division, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<Department>, ProblemHttpResult>> CreateDepartment(CreateDepartmentRequest request,
        RecordStore<Department> store, RecordStore<Division> divisions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (division, problem) = await ActiveParentAsync(divisions, orgcode, request.DivisionGuid, request.DivisionCode, ct);
        if (problem is not null)
        {
            return problem;
        }
        var department = new Department
        {
            DepartmentGuid = Ids.New(),
            DepartmentCode = Codes.Normalize(request.DepartmentCode),
            DivisionGuid = division!.DivisionGuid,
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(orgcode, department, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Department>, ProblemHttpResult>> UpdateDepartment(UpdateDepartmentRequest request, RecordStore<Department> store,
        RecordStore<Division> divisions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var next = request.Apply(loaded!.Record);
        if (request.Moves)
        {
            var (division, missing) = await ActiveParentAsync(divisions, orgcode, request.DivisionGuid, request.DivisionCode, ct);
            if (missing is not null)
            {
                return missing;
            }
            next = next with { DivisionGuid = division!.DivisionGuid };
        }
        return (await store.UpdateAsync(orgcode, loaded, next, ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<Department>>, ProblemHttpResult>> ListDepartments(DepartmentListRequest request,
        RecordStore<Department> store, RecordStore<Division> divisions, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        List<StateFilter> filters = [];
        if (request.DivisionGuid is not null || request.DivisionCode is not null)
        {
            var (division, problem) = await ExistingAsync(divisions, orgcode, request.DivisionGuid, request.DivisionCode, ct);
            if (problem is not null)
            {
                return problem;
            }
            filters.Add(StateFilter.Eq("division_guid", division!.DivisionGuid));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, orgcode, request, filters, ct));
    }

    public static async Task<Results<Created<Category>, ProblemHttpResult>> CreateCategory(CreateCategoryRequest request, RecordStore<Category> store,
        RecordStore<Department> departments, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var guid = Ids.New();
        var (placed, problem) = await PlaceAsync(store, departments, orgcode, guid, request.DepartmentGuid, request.DepartmentCode,
            request.ParentCategoryGuid, request.ParentCategoryCode, ct);
        if (problem is not null)
        {
            return problem;
        }
        var category = new Category
        {
            CategoryGuid = guid,
            CategoryCode = Codes.Normalize(request.CategoryCode),
            DepartmentGuid = placed!.DepartmentGuid,
            ParentCategoryGuid = placed.ParentCategoryGuid,
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(orgcode, category, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Category>, ProblemHttpResult>> UpdateCategory(UpdateCategoryRequest request, RecordStore<Category> store,
        RecordStore<Department> departments, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var next = request.Apply(current);
        if (request.NamesDepartment || request.NamesParent)
        {
            var (placed, refused) = await PlaceAsync(store, departments, orgcode, current.CategoryGuid, request.DepartmentGuid, request.DepartmentCode,
                request.ParentCategoryGuid, request.ParentCategoryCode, ct);
            if (refused is not null)
            {
                return refused;
            }
            // Subcategories share their parent's department: a category with any leaves its department only after they moved.
            if (placed!.DepartmentGuid != current.DepartmentGuid
                && (await store.ListAsync(orgcode, [StateFilter.Eq("parent_category_guid", current.CategoryGuid)], limit: 1, ct: ct)).Items.Count > 0)
            {
                return PvmProblems.InUse("The category has subcategories; move them before moving it to another department.");
            }
            next = next with { DepartmentGuid = placed.DepartmentGuid, ParentCategoryGuid = placed.ParentCategoryGuid };
        }
        return (await store.UpdateAsync(orgcode, loaded, next, ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<Category>>, ProblemHttpResult>> ListCategories(CategoryListRequest request, RecordStore<Category> store,
        RecordStore<Department> departments, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        List<StateFilter> filters = [];
        if (request.DepartmentGuid is not null || request.DepartmentCode is not null)
        {
            var (department, problem) = await ExistingAsync(departments, orgcode, request.DepartmentGuid, request.DepartmentCode, ct);
            if (problem is not null)
            {
                return problem;
            }
            filters.Add(StateFilter.Eq("department_guid", department!.DepartmentGuid));
        }
        if (request.ParentCategoryGuid is not null || request.ParentCategoryCode is not null)
        {
            var (parent, problem) = await ExistingAsync(store, orgcode, request.ParentCategoryGuid, request.ParentCategoryCode, ct, "parent_category");
            if (problem is not null)
            {
                return problem;
            }
            filters.Add(StateFilter.Eq("parent_category_guid", parent!.CategoryGuid));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, orgcode, request, filters, ct));
    }

    public static async Task<Results<Created<Season>, ProblemHttpResult>> CreateSeason(CreateSeasonRequest request, RecordStore<Season> store,
        RequestContext context, CancellationToken ct)
    {
        var season = new Season
        {
            SeasonGuid = Ids.New(),
            SeasonCode = Codes.Normalize(request.SeasonCode),
            Name = request.Name!.Trim(),
            StartsOn = request.StartsOn!.Value,
            EndsOn = request.EndsOn!.Value,
        };
        return (await store.CreateAsync(context.RequireOrgcode(), season, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Season>, ProblemHttpResult>> UpdateSeason(UpdateSeasonRequest request, RecordStore<Season> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var next = request.Apply(loaded!.Record);
        if (next.EndsOn < next.StartsOn)
        {
            return ApiProblem.Validation(request.EndsOn is null ? "starts_on" : "ends_on", "must keep starts_on on or before ends_on");
        }
        return (await store.UpdateAsync(orgcode, loaded, next, ct: ct)).ToOk();
    }

    /// <summary>Where a category goes: its department and parent category, once both are checked.</summary>
    private sealed record Placement(string DepartmentGuid, string? ParentCategoryGuid);

    /// <summary>
    /// Checks a category's place: the department (named, or the parent's) and the parent category exist and are active,
    /// the parent is in that department, and the category does not end up its own ancestor or too deep.
    /// </summary>
    private static async Task<(Placement?, ProblemHttpResult?)> PlaceAsync(RecordStore<Category> categories, RecordStore<Department> departments,
        string orgcode, string self, string? departmentGuid, string? departmentCode, string? parentGuid, string? parentCode, CancellationToken ct)
    {
        Category? parent = null;
        if (parentGuid is not null || parentCode is not null)
        {
            var (found, problem) = await ActiveParentAsync(categories, orgcode, parentGuid, parentCode, ct, "parent_category");
            if (problem is not null)
            {
                return (null, problem);
            }
            parent = found;
            var ancestry = await TaxonomyRules.CheckAncestryAsync(self, parent!.CategoryGuid,
                async guid => (await categories.GetAsync(orgcode, guid, ct: ct))?.Record.ParentCategoryGuid);
            var field = parentGuid is null ? "parent_category_code" : "parent_category_guid";
            if (ancestry == AncestryOutcome.Cycle)
            {
                return (null, PvmProblems.TaxonomyCycle($"The category would be its own ancestor under '{parent.CategoryCode}'."));
            }
            if (ancestry == AncestryOutcome.TooDeep)
            {
                return (null, TaxonomyRules.TooDeep(field));
            }
        }
        Department department;
        if (departmentGuid is not null || departmentCode is not null)
        {
            var (found, problem) = await ActiveParentAsync(departments, orgcode, departmentGuid, departmentCode, ct);
            if (problem is not null)
            {
                return (null, problem);
            }
            department = found!;
            if (parent is not null && parent.DepartmentGuid != department.DepartmentGuid)
            {
                return (null, TaxonomyRules.ParentInOtherDepartment(parentGuid is null ? "parent_category_code" : "parent_category_guid"));
            }
        }
        else
        {
            var (found, problem) = await ActiveParentAsync(departments, orgcode, parent!.DepartmentGuid, null, ct);
            if (problem is not null)
            {
                return (null, problem);
            }
            department = found!;
        }
        return (new Placement(department.DepartmentGuid, parent?.CategoryGuid), null);
    }

    /// <summary>The parent a request names, which must exist (422 <c>unknown_reference</c>) and be active (422 <c>reference_not_active</c>).</summary>
    private static async Task<(T?, ProblemHttpResult?)> ActiveParentAsync<T>(RecordStore<T> store, string orgcode, string? guid, string? code,
        CancellationToken ct, string? field = null) where T : Record, IMasterRecord<T>
    {
        var (found, problem) = await ExistingAsync(store, orgcode, guid, code, ct, field);
        if (problem is not null)
        {
            return (null, problem);
        }
        var name = field ?? T.Type.Entity;
        return found!.Status == MasterStatus.Active
            ? (found, null)
            : (null, PvmProblems.ReferenceNotActive(FieldOf(name, guid), $"The {name.Replace('_', ' ')} '{MasterRecords.CodeOf(found)}' is {MasterLifecycle.Name(found.Status)}."));
    }

    private static async Task<(T?, ProblemHttpResult?)> ExistingAsync<T>(RecordStore<T> store, string orgcode, string? guid, string? code,
        CancellationToken ct, string? field = null) where T : Record, IMasterRecord<T>
    {
        var name = field ?? T.Type.Entity;
        return await MasterDataApi.LoadAsync(store, orgcode, new MasterKey<T>(guid, code), ct) is { } loaded
            ? (loaded.Record, null)
            : (null, PvmProblems.UnknownReference(FieldOf(name, guid), $"No {name.Replace('_', ' ')} '{guid ?? Codes.Normalize(code)}' in this org."));
    }

    private static string FieldOf(string name, string? guid) => guid is null ? $"{name}_code" : $"{name}_guid";

    private static async Task<ProblemHttpResult?> DivisionGuard(IServiceProvider services, string orgcode, Division division, MasterStatus to,
        CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var departments = services.GetRequiredService<RecordStore<Department>>();
        return await AnyActiveAsync(departments, orgcode, "division_guid", division.DivisionGuid, ct)
            ? PvmProblems.InUse("The division has active departments.")
            : null;
    }

    private static async Task<ProblemHttpResult?> DepartmentGuard(IServiceProvider services, string orgcode, Department department, MasterStatus to,
        CancellationToken ct)
    {
        if (to == MasterStatus.Active)
        {
            var (_, problem) = await ActiveParentAsync(services.GetRequiredService<RecordStore<Division>>(), orgcode, department.DivisionGuid, null, ct);
            return problem;
        }
        var categories = services.GetRequiredService<RecordStore<Category>>();
        return to == MasterStatus.Retired && await AnyActiveAsync(categories, orgcode, "department_guid", department.DepartmentGuid, ct)
            ? PvmProblems.InUse("The department has active categories.")
            : null;
    }

    private static async Task<ProblemHttpResult?> CategoryGuard(IServiceProvider services, string orgcode, Category category, MasterStatus to,
        CancellationToken ct)
    {
        var categories = services.GetRequiredService<RecordStore<Category>>();
        if (to == MasterStatus.Active)
        {
            var (_, problem) = await ActiveParentAsync(services.GetRequiredService<RecordStore<Department>>(), orgcode, category.DepartmentGuid, null, ct);
            if (problem is null && category.ParentCategoryGuid is not null)
            {
                (_, problem) = await ActiveParentAsync(categories, orgcode, category.ParentCategoryGuid, null, ct, "parent_category");
            }
            return problem;
        }
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        if (await AnyActiveAsync(categories, orgcode, "parent_category_guid", category.CategoryGuid, ct))
        {
            return PvmProblems.InUse("The category has active subcategories.");
        }
        var styles = services.GetRequiredService<RecordStore<Style>>();
        return await StyleUse.AnyAsync(styles, orgcode, "category_guid", category.CategoryGuid, StyleUse.DraftOrActive, ct)
            ? PvmProblems.InUse($"A {StyleUse.Names(StyleUse.DraftOrActive)} style is in this category.")
            : null;
    }

    private static async Task<ProblemHttpResult?> SeasonGuard(IServiceProvider services, string orgcode, Season season, MasterStatus to,
        CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var styles = services.GetRequiredService<RecordStore<Style>>();
        return await StyleUse.AnyAsync(styles, orgcode, "season_guid", season.SeasonGuid, StyleUse.Active, ct)
            ? PvmProblems.InUse("An active style belongs to this season.")
            : null;
    }

    /// <summary>Whether an active child names this parent: one seek on the child's <c>{field},status</c> index.</summary>
    private static async Task<bool> AnyActiveAsync<T>(RecordStore<T> children, string orgcode, string field, string parentGuid, CancellationToken ct)
        where T : Record =>
        (await children.ListAsync(orgcode, [StateFilter.Eq(field, parentGuid), StateFilter.Eq("status", MasterStatus.Active)], limit: 1, ct: ct))
        .Items.Count > 0;
}
