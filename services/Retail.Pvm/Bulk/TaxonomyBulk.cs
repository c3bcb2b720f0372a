using FluentValidation.Results;
using Retail.Pvm.Taxonomy;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

public sealed record DivisionRow(string? DivisionCode, string? Name, string? Description, MasterStatus? Status)
{
    public CreateDivisionRequest ToCreate() => new(DivisionCode, Name, Description);
}

/// <summary>A department with its division by code.</summary>
public sealed record DepartmentRow(string? DepartmentCode, string? DivisionCode, string? Name, string? Description, MasterStatus? Status)
{
    public CreateDepartmentRequest ToCreate() => new(DepartmentCode, null, DivisionCode, Name, Description);
}

/// <summary>A category with its department and, below the top of the department, its parent category, by code.</summary>
public sealed record CategoryRow(string? CategoryCode, string? DepartmentCode, string? ParentCategoryCode, string? Name, string? Description,
    MasterStatus? Status)
{
    public CreateCategoryRequest ToCreate() => new(CategoryCode, null, DepartmentCode, null, ParentCategoryCode, Name, Description);
}

/// <summary>The rules the three levels share: what a status may become in bulk, and when the parent has to be active.</summary>
internal static class TaxonomyBulkRules
{
    /// <summary>
    /// Why the status a record asks for is refused: a bulk record never retires a node (status/set checks the children and
    /// styles that still use it), and a change follows the lifecycle. Null when it is allowed.
    /// </summary>
    public static string? RefusedStatus(MasterStatus? current, MasterStatus next)
    {
        if (next == MasterStatus.Retired && current != MasterStatus.Retired)
        {
            return "A bulk record does not retire a taxonomy node; status/set checks what still uses it.";
        }
        return current is { } from && from != next && !MasterLifecycle.Machine.CanMove(from, next)
            ? $"A {MasterLifecycle.Name(from)} record cannot become {MasterLifecycle.Name(next)}."
            : null;
    }

    /// <summary>As create, a move and an activation do: the parent is active when the node is new, moves under it, or becomes active.</summary>
    public static bool NeedsActiveParent(bool isNew, bool moves, MasterStatus? current, MasterStatus next) =>
        isNew || moves || (next == MasterStatus.Active && current != MasterStatus.Active);

    public static (string Code, string Reason, string Field) Inactive(string label, string code, MasterStatus status, string field) =>
        ("reference_not_active", $"The {label} '{code}' is {MasterLifecycle.Name(status)}.", field);
}

/// <summary><c>pvm.division</c>, keyed by <c>division_code</c>: division create's rules; a new division is active unless the record says inactive.</summary>
public sealed class DivisionBulk(RecordStore<Division> divisions) : BulkEntity<DivisionRow>("pvm.division", ["division_code"], ["division_code", "name"])
{
    private static readonly CreateDivisionRequestValidator Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["status"];

    protected override ValidationResult Validate(DivisionRow row) => Rules.Validate(row.ToCreate());

    protected override DivisionRow Normalize(DivisionRow row) => row with { DivisionCode = Codes.Normalize(row.DivisionCode) };

    protected override string KeyOf(DivisionRow row) => row.DivisionCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<DivisionRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await divisions.FindManyAsync(orgcode, Division.CodeName, rows.Select(r => r.Key).ToList(), ct);
        foreach (var row in rows)
        {
            var current = existing.GetValueOrDefault(row.Key);
            var status = row.Row.Status ?? current?.Record.Status ?? MasterStatus.Active;
            if (TaxonomyBulkRules.RefusedStatus(current?.Record.Status, status) is { } refused)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, refused, "status");
                continue;
            }
            var next = (current?.Record ?? new Division { DivisionGuid = Ids.New(), DivisionCode = row.Key, Name = "" }) with
            {
                Name = row.Row.Name!.Trim(),
                Description = RequestRules.Trimmed(row.Row.Description),
                Status = status,
            };
            changes.Upsert(divisions, orgcode, row, current, next);
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await divisions.ListAsync(orgcode, EqualityFilters(filters), limit, token, ct: ct);
        return new BulkExportPage(page.Items.Select(d => (object)new DivisionRow(d.DivisionCode, d.Name, d.Description, d.Status)).ToList(), page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(divisions, orgcode, Division.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(divisions, orgcode, ct);
}

/// <summary>
/// <c>pvm.department</c>, keyed by <c>department_code</c>, under its division by <c>division_code</c>: department create's
/// rules; the division is stored already (<c>unknown_reference</c>, a division of the same file is imported before), and
/// active when the department is new, moves to it, or becomes active (<c>reference_not_active</c>).
/// </summary>
public sealed class DepartmentBulk(RecordStore<Department> departments, RecordStore<Division> divisions)
    : BulkEntity<DepartmentRow>("pvm.department", ["department_code"], ["department_code", "division_code", "name"])
{
    private static readonly CreateDepartmentRequestValidator Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["division_code", "status"];

    protected override ValidationResult Validate(DepartmentRow row) => Rules.Validate(row.ToCreate());

    protected override DepartmentRow Normalize(DepartmentRow row) => row with
    {
        DepartmentCode = Codes.Normalize(row.DepartmentCode),
        DivisionCode = Codes.Normalize(row.DivisionCode),
    };

    protected override string KeyOf(DepartmentRow row) => row.DepartmentCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<DepartmentRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await departments.FindManyAsync(orgcode, Department.CodeName, rows.Select(r => r.Key).ToList(), ct);
        var divisionOf = await divisions.FindManyAsync(orgcode, Division.CodeName, rows.Select(r => r.Row.DivisionCode!).Distinct().ToList(), ct);
        foreach (var row in rows)
        {
            var r = row.Row;
            var current = existing.GetValueOrDefault(row.Key)?.Record;
            var status = r.Status ?? current?.Status ?? MasterStatus.Active;
            if (TaxonomyBulkRules.RefusedStatus(current?.Status, status) is { } refused)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, refused, "status");
                continue;
            }
            if (divisionOf.GetValueOrDefault(r.DivisionCode!)?.Record is not { } division)
            {
                changes.Reject(row, BulkProblems.UnknownReference, $"No division '{r.DivisionCode}' in this org.", "division_code");
                continue;
            }
            if (division.Status != MasterStatus.Active
                && TaxonomyBulkRules.NeedsActiveParent(current is null, current?.DivisionGuid != division.DivisionGuid, current?.Status, status))
            {
                var (code, reason, field) = TaxonomyBulkRules.Inactive("division", division.DivisionCode, division.Status, "division_code");
                changes.Reject(row, code, reason, field);
                continue;
            }
            var next = (current ?? new Department { DepartmentGuid = Ids.New(), DepartmentCode = row.Key, DivisionGuid = "", Name = "" }) with
            {
                DivisionGuid = division.DivisionGuid,
                Name = r.Name!.Trim(),
                Description = RequestRules.Trimmed(r.Description),
                Status = status,
            };
            changes.Upsert(departments, orgcode, row, existing.GetValueOrDefault(row.Key), next);
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        List<StateFilter> scope = [];
        if (filters.TryGetValue("division_code", out var divisionCode))
        {
            var division = await divisions.FindAsync(orgcode, Division.CodeName, Codes.Normalize(divisionCode), ct);
            scope.Add(StateFilter.Eq("division_guid", division?.Record.DivisionGuid ?? ""));
        }
        if (filters.TryGetValue("status", out var status))
        {
            scope.Add(StateFilter.Eq("status", status));
        }
        var page = await departments.ListAsync(orgcode, scope, limit, token, ct: ct);
        var parents = await divisions.LoadManyAsync(orgcode, page.Items.Select(d => d.DivisionGuid).Distinct().ToList(), ct);
        return new BulkExportPage(page.Items.Select(d => (object)new DepartmentRow(d.DepartmentCode,
            parents.GetValueOrDefault(d.DivisionGuid)?.Record.DivisionCode, d.Name, d.Description, d.Status)).ToList(), page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(departments, orgcode, Department.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(departments, orgcode, ct);
}

/// <summary>
/// <c>pvm.category</c>, keyed by <c>category_code</c>, placed as category create and update place it: under its department
/// (<c>department_code</c>, or the parent's department when only a parent is named) and optionally under a parent category
/// (<c>parent_category_code</c>) of that department (<c>parent_in_other_department</c>). A parent is stored already or
/// comes earlier in the same call (a file lists parents before their children; a dry run, which stores nothing, sees
/// parents of earlier slices as missing); an unknown one is <c>unknown_reference</c>. A category never becomes its own
/// ancestor (<c>taxonomy_cycle</c>) nor nests deeper than the API allows (<c>taxonomy_too_deep</c>); one with
/// subcategories does not leave its department (<c>in_use</c>). The record is whole: without a parent the category sits at
/// the top of its department. A call reads the categories, their parents and the departments in bulk reads, walks up
/// the stored chains it has not read (one read a level), and writes one batch.
/// </summary>
public sealed class CategoryBulk(RecordStore<Category> categories, RecordStore<Department> departments)
    : BulkEntity<CategoryRow>("pvm.category", ["category_code"], ["category_code", "name"])
{
    private static readonly CreateCategoryRequestValidator Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["department_code", "status"];

    protected override ValidationResult Validate(CategoryRow row) => Rules.Validate(row.ToCreate());

    protected override CategoryRow Normalize(CategoryRow row) => row with
    {
        CategoryCode = Codes.Normalize(row.CategoryCode),
        DepartmentCode = string.IsNullOrWhiteSpace(row.DepartmentCode) ? null : Codes.Normalize(row.DepartmentCode),
        ParentCategoryCode = string.IsNullOrWhiteSpace(row.ParentCategoryCode) ? null : Codes.Normalize(row.ParentCategoryCode),
    };

    protected override string KeyOf(CategoryRow row) => row.CategoryCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<CategoryRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var codes = rows.Select(r => r.Key).Concat(rows.Select(r => r.Row.ParentCategoryCode).OfType<string>()).Distinct().ToList();
        var stored = await categories.FindManyAsync(orgcode, Category.CodeName, codes, ct);
        // What the call has decided so far, by code and by guid: the parents of later records, and the chains walked up.
        var byCode = stored.ToDictionary(p => p.Key, p => p.Value.Record, StringComparer.Ordinal);
        var byGuid = stored.Values.ToDictionary(l => l.Record.CategoryGuid, l => l.Record, StringComparer.Ordinal);
        var departmentCodes = rows.Select(r => r.Row.DepartmentCode).OfType<string>().Distinct().ToList();
        var departmentOf = await departments.FindManyAsync(orgcode, Department.CodeName, departmentCodes, ct);
        var departmentByGuid = departmentOf.Values.ToDictionary(l => l.Record.DepartmentGuid, l => l.Record, StringComparer.Ordinal);
        var parentDepartments = await departments.LoadManyAsync(orgcode,
            byCode.Values.Select(c => c.DepartmentGuid).Where(g => !departmentByGuid.ContainsKey(g)).Distinct().ToList(), ct);
        foreach (var loaded in parentDepartments.Values)
        {
            departmentByGuid[loaded.Record.DepartmentGuid] = loaded.Record;
        }

        async Task<string?> ParentOf(string guid)
        {
            if (!byGuid.TryGetValue(guid, out var category) && (await categories.GetAsync(orgcode, guid, ct: ct))?.Record is { } read)
            {
                byGuid[guid] = category = read;
            }
            return category?.ParentCategoryGuid;
        }

        foreach (var row in rows)
        {
            var r = row.Row;
            var loaded = stored.GetValueOrDefault(row.Key);
            var current = loaded?.Record;
            var status = r.Status ?? current?.Status ?? MasterStatus.Active;
            if (TaxonomyBulkRules.RefusedStatus(current?.Status, status) is { } refusedStatus)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, refusedStatus, "status");
                continue;
            }
            var guid = current?.CategoryGuid ?? Ids.New();
            var placed = await PlaceAsync(r, guid, current, status, byCode, departmentOf, departmentByGuid, ParentOf);
            if (placed.Refused is { } refused)
            {
                changes.Reject(row, refused.Code, refused.Reason, refused.Field);
                continue;
            }
            var (department, parent) = placed.Place!.Value;
            if (current is not null && department.DepartmentGuid != current.DepartmentGuid
                && (byGuid.Values.Any(c => c.ParentCategoryGuid == current.CategoryGuid)
                    || (await categories.ListAsync(orgcode, [StateFilter.Eq("parent_category_guid", current.CategoryGuid)], limit: 1, ct: ct)).Items.Count > 0))
            {
                changes.Reject(row, "in_use", "The category has subcategories; move them before moving it to another department.", "department_code");
                continue;
            }
            var next = (current ?? new Category { CategoryGuid = guid, CategoryCode = row.Key, DepartmentGuid = "", Name = "" }) with
            {
                DepartmentGuid = department.DepartmentGuid,
                ParentCategoryGuid = parent?.CategoryGuid,
                Name = r.Name!.Trim(),
                Description = RequestRules.Trimmed(r.Description),
                Status = status,
            };
            changes.Upsert(categories, orgcode, row, loaded, next);
            byCode[row.Key] = next;
            byGuid[guid] = next;
        }
    }

    /// <summary>The department and parent the record names, checked in the order category create checks them.</summary>
    private static async Task<((Department Department, Category? Parent)? Place, (string Code, string Reason, string Field)? Refused)> PlaceAsync(
        CategoryRow row, string self, Category? current, MasterStatus status, Dictionary<string, Category> byCode,
        IReadOnlyDictionary<string, Loaded<Department>> departmentOf, Dictionary<string, Department> departmentByGuid, Func<string, Task<string?>> parentOf)
    {
        Category? parent = null;
        if (row.ParentCategoryCode is { } parentCode)
        {
            if (byCode.GetValueOrDefault(parentCode) is not { } found || parentCode == row.CategoryCode)
            {
                return parentCode == row.CategoryCode
                    ? (null, ("taxonomy_cycle", "A category is not its own parent.", "parent_category_code"))
                    : (null, (BulkProblems.UnknownReference, $"No parent category '{parentCode}' in this org (nor earlier in this call).", "parent_category_code"));
            }
            parent = found;
            var moves = current?.ParentCategoryGuid != parent.CategoryGuid;
            if (parent.Status != MasterStatus.Active && TaxonomyBulkRules.NeedsActiveParent(current is null, moves, current?.Status, status))
            {
                return (null, TaxonomyBulkRules.Inactive("parent category", parent.CategoryCode, parent.Status, "parent_category_code"));
            }
            switch (await TaxonomyRules.CheckAncestryAsync(self, parent.CategoryGuid, parentOf))
            {
                case AncestryOutcome.Cycle:
                    return (null, ("taxonomy_cycle", $"The category would be its own ancestor under '{parent.CategoryCode}'.", "parent_category_code"));
                case AncestryOutcome.TooDeep:
                    return (null, ("taxonomy_too_deep", $"Categories nest at most {TaxonomyRules.MaxDepth} levels below their department.", "parent_category_code"));
            }
        }
        Department department;
        if (row.DepartmentCode is { } departmentCode)
        {
            if (departmentOf.GetValueOrDefault(departmentCode)?.Record is not { } named)
            {
                return (null, (BulkProblems.UnknownReference, $"No department '{departmentCode}' in this org.", "department_code"));
            }
            department = named;
            if (parent is not null && parent.DepartmentGuid != department.DepartmentGuid)
            {
                return (null, ("parent_in_other_department", "A category and its parent category belong to the same department.", "parent_category_code"));
            }
        }
        else if (departmentByGuid.GetValueOrDefault(parent!.DepartmentGuid) is { } inherited)
        {
            department = inherited;
        }
        else
        {
            return (null, (BulkProblems.UnknownReference, $"The department of parent category '{parent.CategoryCode}' no longer exists.", "parent_category_code"));
        }
        if (department.Status != MasterStatus.Active
            && TaxonomyBulkRules.NeedsActiveParent(current is null, current?.DepartmentGuid != department.DepartmentGuid, current?.Status, status))
        {
            return (null, TaxonomyBulkRules.Inactive("department", department.DepartmentCode, department.Status,
                row.DepartmentCode is null ? "parent_category_code" : "department_code"));
        }
        return ((department, parent), null);
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        List<StateFilter> scope = [];
        if (filters.TryGetValue("department_code", out var departmentCode))
        {
            var department = await departments.FindAsync(orgcode, Department.CodeName, Codes.Normalize(departmentCode), ct);
            scope.Add(StateFilter.Eq("department_guid", department?.Record.DepartmentGuid ?? ""));
        }
        if (filters.TryGetValue("status", out var status))
        {
            scope.Add(StateFilter.Eq("status", status));
        }
        var page = await categories.ListAsync(orgcode, scope, limit, token, ct: ct);
        var departmentOf = await departments.LoadManyAsync(orgcode, page.Items.Select(c => c.DepartmentGuid).Distinct().ToList(), ct);
        var parentOf = await categories.LoadManyAsync(orgcode, page.Items.Select(c => c.ParentCategoryGuid).OfType<string>().Distinct().ToList(), ct);
        return new BulkExportPage(page.Items.Select(c => (object)new CategoryRow(c.CategoryCode, departmentOf.GetValueOrDefault(c.DepartmentGuid)?.Record.DepartmentCode,
            c.ParentCategoryGuid is null ? null : parentOf.GetValueOrDefault(c.ParentCategoryGuid)?.Record.CategoryCode, c.Name, c.Description, c.Status)).ToList(),
            page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(categories, orgcode, Category.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(categories, orgcode, ct);
}
