using FluentValidation;
using Retail.Ofm.Directory;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Ofm.Orgs;

namespace Retail.Ofm.Members;

/// <summary>Which logical facilities a service account (a USM API-key identity bound to this org) acts for.</summary>
public static partial class MembersApi
{
    public static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> AssignServiceAccount(ServiceAccountAssignmentRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeServiceAccountAssignmentAsync(request, assignments, logicals, context, assign: true, ct);

    public static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> DetachServiceAccount(ServiceAccountAssignmentRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct) =>
        await ChangeServiceAccountAssignmentAsync(request, assignments, logicals, context, assign: false, ct);

    public static async Task<Ok<AssignmentsResponse>> ServiceAccountAssignments(ServiceAccountKeyRequest request,
        RecordStore<ServiceAccountAssignment> assignments, RequestContext context, CancellationToken ct)
    {
        var loaded = await assignments.GetAsync(context.RequireOrgcode(), request.ServiceAccountGuid!, ct: ct);
        return TypedResults.Ok(new AssignmentsResponse(request.ServiceAccountGuid!, loaded?.Record.LogicalFacilityCodes ?? [], loaded?.Record.Revision ?? 0));
    }

    private static async Task<Results<Ok<ServiceAccountAssignment>, ProblemHttpResult>> ChangeServiceAccountAssignmentAsync(
        ServiceAccountAssignmentRequest request, RecordStore<ServiceAccountAssignment> assignments, RecordStore<LogicalFacility> logicals,
        RequestContext context, bool assign, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.FacilityCode);
        // The first assignment creates the record (expected_revision absent or 0); every later change names the revision it saw.
        var (current, problem) = await assignments.LoadForUpsertAsync(orgcode, request.ServiceAccountGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var codes = current?.Record.LogicalFacilityCodes ?? [];
        if (assign)
        {
            if (await LogicalProblemAsync(logicals, orgcode, code, ct) is { } missing)
            {
                return missing;
            }
            codes = codes.Contains(code) ? codes : [.. codes, code];
        }
        else if (!codes.Contains(code))
        {
            return ApiProblem.NotFound("The service account is not assigned to this logical facility.");
        }
        else
        {
            codes = codes.Where(c => c != code).ToList();
        }
        if (current is null)
        {
            var created = await assignments.CreateAsync(orgcode,
                new ServiceAccountAssignment { ServiceAccountGuid = request.ServiceAccountGuid!, LogicalFacilityCodes = codes }, ct: ct);
            return created.ToOk();
        }
        var write = await assignments.UpdateAsync(orgcode, current, current.Record with { LogicalFacilityCodes = codes }, ct: ct);
        return write.ToOk();
    }
}
