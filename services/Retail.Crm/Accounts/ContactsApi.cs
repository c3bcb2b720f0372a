using Retail.Crm.Customers;
using Retail.Shared;

namespace Retail.Crm.Accounts;

/// <summary>
/// An account's contacts (<c>/account/contact/create|get|list|update|status/set</c>): member writes, viewer reads. Every
/// change is ETag-checked; the e-mail is unique within the account (409 <c>duplicate</c>); a linked customer must be live.
/// </summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactEndpoints(this IEndpointRouteBuilder routes)
    {
        var contacts = routes.MapGroup("/account/contact").WithTags("Account contacts");
        contacts.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Add a contact to an account (not closed): name, e-mail (unique in the account), phone (E.164), roles, an optional live customer.");
        contacts.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A contact by contact_guid.");
        contacts.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("An account's contacts, by role and status; or the contacts linked to a customer.");
        contacts.MapPost("/update", Update).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a contact; fields left out stay as they are, given roles replace the list.");
        contacts.MapPost("/status/set", SetStatus).RequireRole(Role.Member).AsWrite().WithSummary("Move a contact between active and inactive.");
        return contacts;
    }

    public static async Task<Results<Created<AccountContact>, ProblemHttpResult>> Create(CreateContactRequest request, RecordStore<AccountContact> contacts,
        RecordStore<Account> accounts, RecordStore<Customer> customers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var accountGuid = GuidKey(request.AccountGuid!);
        var account = (await accounts.GetAsync(orgcode, accountGuid, ct: ct))?.Record;
        if (account is null)
        {
            return CrmProblems.UnknownReference("account_guid", $"No account {accountGuid} in this org.");
        }
        if (account.Status == AccountStatus.Closed)
        {
            return CrmProblems.AccountClosed(accountGuid);
        }
        var (phone, badPhone) = PhoneOf(request.Phone, account);
        if (badPhone is not null)
        {
            return badPhone;
        }
        var customerGuid = request.CustomerGuid is null ? null : GuidKey(request.CustomerGuid);
        if (customerGuid is not null && await CustomerLinks.LiveProblemAsync(customers, orgcode, customerGuid, "customer_guid", ct) is { } notLive)
        {
            return notLive;
        }
        var contact = new AccountContact
        {
            ContactGuid = Ids.New(),
            AccountGuid = accountGuid,
            Name = request.Name!.Trim(),
            Email = ContactRules.NormalizeEmail(request.Email),
            Phone = phone,
            Roles = request.Roles!,
            CustomerGuid = customerGuid,
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await contacts.CreateAsync(orgcode, contact, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<AccountContact>, ProblemHttpResult>> Get(ContactKey request, RecordStore<AccountContact> contacts,
        RequestContext context, CancellationToken ct) =>
        (await contacts.GetAsync(context.RequireOrgcode(), GuidKey(request.ContactGuid!), ct: ct))?.Record is { } found
            ? TypedResults.Ok(found)
            : ApiProblem.NotFound("No such account contact in this org.");

    public static async Task<Ok<Page<AccountContact>>> List(ContactListRequest request, RecordStore<AccountContact> contacts, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var limit = Paging.LimitOf(request);
        if (request.CustomerGuid is { } customer)
        {
            return TypedResults.Ok(await contacts.ListAsync(orgcode, [StateFilter.Eq("customer_guid", GuidKey(customer))], limit, request.NextToken, ct: ct));
        }
        var account = GuidKey(request.AccountGuid!);
        if (request.Role is { } role)
        {
            return TypedResults.Ok(await contacts.ListByValueAsync(orgcode, ContactRules.AccountRoleSet, ContactRules.RoleValue(account, role, request.Status),
                limit, request.NextToken, ct: ct));
        }
        List<StateFilter> filters = [StateFilter.Eq("account_guid", account)];
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await contacts.ListAsync(orgcode, filters, limit, request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<AccountContact>, ProblemHttpResult>> Update(UpdateContactRequest request, RecordStore<AccountContact> contacts,
        RecordStore<Account> accounts, RecordStore<Customer> customers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await contacts.LoadForChangeAsync(orgcode, GuidKey(request.ContactGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var account = (await accounts.GetAsync(orgcode, current.AccountGuid, ct: ct))?.Record;
        if (account is null || account.Status == AccountStatus.Closed)
        {
            return CrmProblems.AccountClosed(current.AccountGuid);
        }
        var phone = current.Phone;
        if (request.Phone is not null)
        {
            (phone, var badPhone) = PhoneOf(request.Phone, account);
            if (badPhone is not null)
            {
                return badPhone;
            }
        }
        var customerGuid = request.CustomerGuid is null ? current.CustomerGuid : GuidKey(request.CustomerGuid);
        if (customerGuid != current.CustomerGuid && await CustomerLinks.LiveProblemAsync(customers, orgcode, customerGuid!, "customer_guid", ct) is { } notLive)
        {
            return notLive;
        }
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            Email = request.Email is null ? current.Email : ContactRules.NormalizeEmail(request.Email),
            Phone = phone,
            Roles = request.Roles ?? current.Roles,
            CustomerGuid = customerGuid,
        };
        return (await contacts.UpdateAsync(orgcode, loaded, next, ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<AccountContact>, ProblemHttpResult>> SetStatus(ContactStatusRequest request, RecordStore<AccountContact> contacts,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await contacts.LoadForChangeAsync(orgcode, GuidKey(request.ContactGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (AccountContact.Lifecycle.Check(current.Status, request.Status!.Value) is { } refused)
        {
            return refused;
        }
        var next = current with { Status = request.Status.Value, StatusReason = RequestRules.Trimmed(request.Reason) };
        return (await contacts.UpdateAsync(orgcode, loaded, next, "status_changed", ct: ct)).ToOk();
    }

    public static string GuidKey(string guid) => Guid.TryParse(guid, out var g) ? g.ToString() : guid.Trim().ToLowerInvariant();

    private static (string? Phone, ProblemHttpResult? Problem) PhoneOf(string? raw, Account account)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, null);
        }
        var e164 = ContactRules.ToE164(raw, account.BillingAddress?.Country);
        return e164 is null
            ? (null, ApiProblem.Validation("phone", "is not a valid phone number (give it in E.164, +4930123456, or as dialled in the account's billing country)"))
            : (e164, null);
    }
}

/// <summary>How CRM areas check a customer they are asked to link or name: it must exist, and not be merged.</summary>
public static class CustomerLinks
{
    /// <summary>Null for a live customer; 422 <c>unknown_reference</c> for none; 409 <c>customer_merged</c> naming the survivor.</summary>
    public static async Task<ProblemHttpResult?> LiveProblemAsync(RecordStore<Customer> customers, string orgcode, string customerGuid, string field,
        CancellationToken ct)
    {
        var customer = (await customers.GetAsync(orgcode, customerGuid, ct: ct))?.Record;
        if (customer is null)
        {
            return CrmProblems.UnknownReference(field, $"No customer {customerGuid} in this org.");
        }
        return customer.IsLive ? null : CrmProblems.CustomerMerged(customerGuid, customer.MergedInto ?? "");
    }
}
