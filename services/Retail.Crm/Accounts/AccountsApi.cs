using Retail.Crm.Certificates;
using Retail.Shared;

namespace Retail.Crm.Accounts;

/// <summary>
/// B2B accounts (<c>/account/create|get|list|update|status/set</c>): the shared lifecycle kit's routes and checks (viewer
/// reads, member creates and updates, admin moves status), with <c>account.created|updated</c> in the batch of each change.
/// Credit limit and payment terms are an admin's to set.
/// </summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var accounts = routes.MapGroup("/account").WithTags("Accounts");
        accounts.MapLifecycleData(new LifecycleRoutes<Account, AccountStatus>
        {
            Create = Create,
            Update = Update,
            StatusPath = "/status/set",
            Status = SetStatus,
        });
        return accounts;
    }

    public static async Task<Results<Created<Account>, ProblemHttpResult>> Create(CreateAccountRequest request, RecordStore<Account> store,
        RequestContext context, CancellationToken ct)
    {
        if ((request.CreditLimit is not null || request.PaymentTerms is not null) && context.Role < Role.Admin)
        {
            return CrmProblems.CreditTermsNeedAdmin();
        }
        var orgcode = context.RequireOrgcode();
        var account = new Account
        {
            AccountGuid = Ids.New(),
            AccountCode = Codes.Normalize(request.AccountCode),
            Name = request.Name!.Trim(),
            TaxId = RequestRules.Trimmed(request.TaxId),
            BillingAddress = AccountRules.AddressOf(request.BillingAddress),
            PaymentTerms = request.PaymentTerms is null ? null : Codes.Normalize(request.PaymentTerms),
            CreditLimit = AccountRules.CreditOf(request.CreditLimit),
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await store.CreateAsync(orgcode, account, [AccountRules.Changed(CrmEvents.AccountCreated, orgcode, account with { Revision = 1 })], ct))
            .ToCreated();
    }

    public static async Task<Results<Ok<Account>, ProblemHttpResult>> Update(UpdateAccountRequest request, RecordStore<Account> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status == AccountStatus.Closed)
        {
            return CrmProblems.AccountClosed(current.AccountGuid);
        }
        var next = request.Apply(current);
        if ((next.CreditLimit != current.CreditLimit || next.PaymentTerms != current.PaymentTerms) && context.Role < Role.Admin)
        {
            return CrmProblems.CreditTermsNeedAdmin();
        }
        return (await store.UpdateAsync(orgcode, loaded, next, events: [AccountRules.Changed(CrmEvents.AccountUpdated, orgcode,
            next with { Revision = current.Revision + 1 })], ct: ct)).ToOk();
    }

    /// <summary>
    /// <c>active ⇄ on_hold → closed</c> (admin). Closing revokes the account's pending and active certificates in the same
    /// batch; its contacts stay for history.
    /// </summary>
    public static async Task<Results<Ok<Account>, ProblemHttpResult>> SetStatus(StatusChange<Account, AccountStatus> request, RecordStore<Account> store,
        RecordStore<ExemptionCertificate> certificates, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var to = request.Status!.Value;
        if (Account.Lifecycle.Check(current.Status, to) is { } refused)
        {
            return refused;
        }
        var next = current.WithStatus(to, RequestRules.Trimmed(request.Reason));
        var batch = new RecordBatch();
        var written = store.Update(batch, orgcode, loaded, next, "status_changed",
            [AccountRules.Changed(CrmEvents.AccountUpdated, orgcode, next with { Revision = current.Revision + 1 })]);
        if (to == AccountStatus.Closed)
        {
            // A closed account's certificates stop exempting in the same change: revoked, each with its event for SCM.
            var open = await AccountsMergeParticipant.LoadAllAsync(certificates, orgcode,
                [StateFilter.Eq("holder_guid", current.AccountGuid), StateFilter.In("status", CertificateStatus.Pending, CertificateStatus.Active)], ct);
            foreach (var certificate in open)
            {
                var revoked = certificate.Record with { Status = CertificateStatus.Revoked, StatusReason = "account closed" };
                certificates.Update(batch, orgcode, certificate, revoked, "status_changed",
                    [CertificateRules.Changed(orgcode, revoked with { Revision = certificate.Record.Revision + 1 })]);
            }
        }
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(written) : write.Problem();
    }
}
