using Retail.Crm.Accounts;
using Retail.Crm.Customers;
using Retail.Shared;

namespace Retail.Crm.Certificates;

/// <summary>
/// Tax-exemption certificates (<c>/exemption/certificate/create|get|list|status/set</c>): a member records one received
/// (<c>pending</c>), an admin other than the recorder activates it within its dates, an admin revokes or expires it. Each
/// change publishes <c>exemption.certificate_changed</c> in its batch; SCM's tax quote applies the active ones.
/// </summary>
public static class CertificatesApi
{
    public static RouteGroupBuilder MapCertificateEndpoints(this IEndpointRouteBuilder routes)
    {
        var certificates = routes.MapGroup("/exemption/certificate").WithTags("Tax exemption certificates");
        certificates.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a tax-exemption certificate (pending): number (unique per jurisdiction), holder (a live customer or an open account), jurisdiction, categories covered or all, validity dates.");
        certificates.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A certificate by certificate_guid.");
        certificates.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("Certificates of a holder or of the org, by status; expiring_before lists those whose valid_to is before a day, soonest first.");
        certificates.MapPost("/status/set", SetStatus).RequireRole(Role.Admin).AsWrite()
            .WithSummary("pending → active (an admin other than the recorder; not past valid_to) → revoked | expired (past valid_to); pending → revoked.");
        return certificates;
    }

    public static async Task<Results<Created<ExemptionCertificate>, ProblemHttpResult>> Create(CreateCertificateRequest request,
        RecordStore<ExemptionCertificate> certificates, RecordStore<Customer> customers, RecordStore<Account> accounts, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var customerGuid = request.CustomerGuid is null ? null : ContactsApi.GuidKey(request.CustomerGuid);
        var accountGuid = request.AccountGuid is null ? null : ContactsApi.GuidKey(request.AccountGuid);
        if (customerGuid is not null && await CustomerLinks.LiveProblemAsync(customers, orgcode, customerGuid, "customer_guid", ct) is { } notLive)
        {
            return notLive;
        }
        if (accountGuid is not null)
        {
            var account = (await accounts.GetAsync(orgcode, accountGuid, ct: ct))?.Record;
            if (account is null)
            {
                return CrmProblems.UnknownReference("account_guid", $"No account {accountGuid} in this org.");
            }
            if (account.Status == AccountStatus.Closed)
            {
                return CrmProblems.AccountClosed(accountGuid);
            }
        }
        var all = request.AllCategories == true;
        var certificate = new ExemptionCertificate
        {
            CertificateGuid = Ids.New(),
            Number = CertificateRules.NormalizeNumber(request.Number),
            CustomerGuid = customerGuid,
            AccountGuid = accountGuid,
            Jurisdiction = CertificateRules.NormalizeJurisdiction(request.Jurisdiction),
            AllCategories = all,
            TaxCategories = all ? [] : request.TaxCategories!.Select(Codes.Normalize).ToList(),
            ValidFrom = request.ValidFrom!.Value,
            ValidTo = request.ValidTo,
            Note = RequestRules.Trimmed(request.Note),
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await certificates.CreateAsync(orgcode, certificate, [CertificateRules.Changed(orgcode, certificate with { Revision = 1 })], ct))
            .ToCreated();
    }

    public static async Task<Results<Ok<ExemptionCertificate>, ProblemHttpResult>> Get(CertificateKey request, RecordStore<ExemptionCertificate> certificates,
        RequestContext context, CancellationToken ct) =>
        (await certificates.GetAsync(context.RequireOrgcode(), ContactsApi.GuidKey(request.CertificateGuid!), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such exemption certificate in this org.");

    public static async Task<Ok<Page<ExemptionCertificate>>> List(CertificateListRequest request, RecordStore<ExemptionCertificate> certificates,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if ((request.CustomerGuid ?? request.AccountGuid) is { } holder)
        {
            filters.Add(StateFilter.Eq("holder_guid", ContactsApi.GuidKey(holder)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        IReadOnlyList<StateSort>? sort = null;
        if (request.ExpiringBefore is { } before)
        {
            filters.Add(StateFilter.Below("valid_to", before.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
            sort = [new StateSort("valid_to"), new StateSort("certificate_guid")];
        }
        return TypedResults.Ok(await certificates.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, sort: sort,
            ct: ct));
    }

    public static async Task<Results<Ok<ExemptionCertificate>, ProblemHttpResult>> SetStatus(CertificateStatusRequest request,
        RecordStore<ExemptionCertificate> certificates, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await certificates.LoadForChangeAsync(orgcode, ContactsApi.GuidKey(request.CertificateGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (ExemptionCertificate.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var actor = context.RequirePrincipal().Id;
        var next = current with { Status = to, StatusReason = RequestRules.Trimmed(request.Reason) };
        if (CertificateRules.Decide(current, to, actor, today) is { } wrong)
        {
            return wrong;
        }
        if (to == CertificateStatus.Active)
        {
            next = next with { ActivatedBy = actor, ActivatedAt = now };
        }
        return (await certificates.UpdateAsync(orgcode, loaded, next, "status_changed",
            [CertificateRules.Changed(orgcode, next with { Revision = current.Revision + 1 })], ct)).ToOk();
    }
}
