using Retail.Crm.Accounts;
using Retail.Shared;

namespace Retail.Crm.Customers;

/// <summary>
/// Customers (UC-CRM-001): create, read by guid, e-mail or phone, update with revisions, active ⇄ inactive, list through
/// indexes and search by name (full text), e-mail prefix or phone prefix (index ranges). E-mail and phone are unique among
/// the org's live customers, so a second customer with either is 409 <c>duplicate</c>. A merged customer reads with
/// <c>merged_into</c>; every write naming it is 409 <c>customer_merged</c>.
/// </summary>
public static class CustomersApi
{
    public static RouteGroupBuilder MapCustomersApi(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapGroup("/customer").WithTags("Customers");
        customers.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a customer: e-mail (normalised) and/or phone (E.164), names, addresses, external ids; e-mail and phone unique among live customers.");
        customers.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a customer by customer_guid, e-mail or phone; a merged customer answers with merged_into.");
        customers.MapPost("/update", Update).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a customer's names, e-mail, phone, addresses, external ids or account (expected_revision).");
        customers.MapPost("/status/set", SetStatus).RequireRole(Role.Member).AsWrite()
            .WithSummary("Move a customer between active and inactive (expected_revision).");
        customers.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List customers by status, account and creation window, or those with a flag, or those who granted a consent purpose.");
        customers.MapPost("/search", Search).RequireRole(Role.Viewer)
            .WithSummary("Find live customers by name words, e-mail prefix or phone prefix.");
        return customers;
    }

    public static async Task<Results<Created<Customer>, ProblemHttpResult>> Create(CreateCustomerRequest request, RecordStore<Customer> customers,
        RecordStore<Account> accounts, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var addresses = request.Addresses is null ? [] : CustomerRequestRules.Addresses(request.Addresses);
        if (request.AccountGuid is { } named && await AccountProblemAsync(accounts, orgcode, CustomerRequestRules.GuidKey(named), ct) is { } noAccount)
        {
            return noAccount;
        }
        var customer = CustomerRules.Derive(new Customer
        {
            CustomerGuid = Ids.New(),
            Email = request.Email is null ? null : CustomerContact.NormaliseEmail(request.Email),
            Phone = request.Phone is null ? null : CustomerContact.ToE164(request.Phone, CustomerRequestRules.RegionFor(request.DefaultRegion, request.Addresses)),
            GivenName = RequestRules.Trimmed(request.GivenName),
            FamilyName = RequestRules.Trimmed(request.FamilyName),
            Addresses = addresses,
            ExternalIds = request.ExternalIds is null ? new Dictionary<string, string>() : CustomerRequestRules.ExternalIds(request.ExternalIds),
            AccountGuid = request.AccountGuid is null ? null : CustomerRequestRules.GuidKey(request.AccountGuid),
            CreatedBy = context.RequirePrincipal().Id,
            Revision = 1,
        });
        var write = await customers.CreateAsync(orgcode, customer, [CustomerChanged.Of(CrmEvents.CustomerCreated, orgcode, customer)], ct);
        return write.ToCreated();
    }

    public static async Task<Results<Ok<Customer>, ProblemHttpResult>> Get(GetCustomerRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        Loaded<Customer>? loaded;
        if (request.CustomerGuid is { } guid)
        {
            loaded = await customers.GetAsync(orgcode, CustomerRequestRules.GuidKey(guid), ct: ct);
        }
        else if (request.Email is { } email)
        {
            loaded = await customers.FindAsync(orgcode, "email", CustomerContact.NormaliseEmail(email), ct);
        }
        else
        {
            var phone = CustomerContact.ToE164(request.Phone, request.DefaultRegion);
            if (phone is null)
            {
                return ApiProblem.Validation("phone", "is not a valid phone number (a national number needs default_region)");
            }
            loaded = await customers.FindAsync(orgcode, "phone", phone, ct);
        }
        return loaded is null ? ApiProblem.NotFound("No such customer.") : TypedResults.Ok(await WithFlagsAsync(flags, orgcode, loaded.Record, ct));
    }

    public static async Task<Results<Ok<Customer>, ProblemHttpResult>> Update(UpdateCustomerRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, RecordStore<Account> accounts, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(customers, orgcode, request.CustomerGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var addresses = request.Addresses is null ? current.Addresses : CustomerRequestRules.Addresses(request.Addresses);
        var phone = current.Phone;
        if (request.Phone is not null)
        {
            phone = string.IsNullOrWhiteSpace(request.Phone)
                ? null
                : CustomerContact.ToE164(request.Phone, RequestRules.Trimmed(request.DefaultRegion) ?? addresses.FirstOrDefault()?.Country);
            if (phone is null && !string.IsNullOrWhiteSpace(request.Phone))
            {
                return ApiProblem.Validation("phone", "is not a valid phone number (a national number needs default_region or an address country)");
            }
        }
        var email = request.Email is null ? current.Email : string.IsNullOrWhiteSpace(request.Email) ? null : CustomerContact.NormaliseEmail(request.Email);
        if (email is null && phone is null)
        {
            return ApiProblem.Validation("email", "e-mail or phone is required: a customer keeps at least one");
        }
        if (!string.IsNullOrWhiteSpace(request.AccountGuid) && CustomerRequestRules.GuidKey(request.AccountGuid) != current.AccountGuid
            && await AccountProblemAsync(accounts, orgcode, CustomerRequestRules.GuidKey(request.AccountGuid), ct) is { } noAccount)
        {
            return noAccount;
        }
        var next = CustomerRules.Derive(current with
        {
            Email = email,
            Phone = phone,
            GivenName = request.GivenName is null ? current.GivenName : RequestRules.Trimmed(request.GivenName),
            FamilyName = request.FamilyName is null ? current.FamilyName : RequestRules.Trimmed(request.FamilyName),
            Addresses = addresses,
            ExternalIds = request.ExternalIds is null ? current.ExternalIds : CustomerRequestRules.ExternalIds(request.ExternalIds),
            AccountGuid = request.AccountGuid is null ? current.AccountGuid
                : string.IsNullOrWhiteSpace(request.AccountGuid) ? null : CustomerRequestRules.GuidKey(request.AccountGuid),
            Revision = current.Revision + 1,
        });
        var write = await customers.UpdateAsync(orgcode, loaded, next, events: [CustomerChanged.Of(CrmEvents.CustomerUpdated, orgcode, next)], ct: ct);
        return write.Succeeded ? TypedResults.Ok(await WithFlagsAsync(flags, orgcode, write.Record!, ct)) : write.Problem();
    }

    public static async Task<Results<Ok<Customer>, ProblemHttpResult>> SetStatus(SetCustomerStatusRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveForChangeAsync(customers, orgcode, request.CustomerGuid!, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (CustomerRules.Lifecycle.Check(current.Status, request.Status!.Value) is { } refused)
        {
            return refused;
        }
        var next = CustomerRules.Derive(current with { Status = request.Status.Value, Revision = current.Revision + 1 });
        var write = await customers.UpdateAsync(orgcode, loaded, next, "status_changed", [CustomerChanged.Of(CrmEvents.CustomerUpdated, orgcode, next)], ct);
        return write.Succeeded ? TypedResults.Ok(await WithFlagsAsync(flags, orgcode, write.Record!, ct)) : write.Problem();
    }

    public static async Task<Ok<Page<Customer>>> List(ListCustomersRequest request, RecordStore<Customer> customers, RecordStore<CustomerFlags> flags,
        RecordStore<CustomerConsent> consents, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var limit = Paging.LimitOf(request);
        if (request.Flag is { } flag)
        {
            var flagged = await flags.ListByValueAsync(orgcode, "flag", CustomerFlagRules.Normalise(flag), limit, request.NextToken, ct: ct);
            return TypedResults.Ok(await CustomersOfAsync(customers, flags, orgcode, flagged.Items.Select(f => f.CustomerGuid).ToList(), flagged.NextToken, ct));
        }
        if (request.Consent is { } purpose)
        {
            var granted = await consents.ListByValueAsync(orgcode, "granted", Retail.Shared.Json.SnakeCase.Name(purpose), limit, request.NextToken, ct: ct);
            return TypedResults.Ok(await CustomersOfAsync(customers, flags, orgcode, granted.Items.Select(c => c.CustomerGuid).ToList(), granted.NextToken, ct));
        }
        var filters = new List<StateFilter>();
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        if (request.AccountGuid is { } account)
        {
            filters.Add(StateFilter.Eq("account_guid", CustomerRequestRules.GuidKey(account)));
        }
        IReadOnlyList<StateSort>? sort = null;
        if (request.CreatedFrom is not null || request.CreatedTo is not null)
        {
            // The window is a range over the creation index, read in its order.
            filters.Add(StateFilter.Above("created_ms", (request.CreatedFrom ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds(), inclusive: true));
            if (request.CreatedTo is { } to)
            {
                filters.Add(StateFilter.Below("created_ms", to.ToUnixTimeMilliseconds()));
            }
            sort = [new StateSort("created_ms")];
        }
        var page = await customers.ListAsync(orgcode, filters, limit, request.NextToken, sort: sort, ct: ct);
        return TypedResults.Ok(new Page<Customer>(await WithFlagsAsync(flags, orgcode, page.Items, ct), page.NextToken));
    }

    public static async Task<Results<Ok<Page<Customer>>, ProblemHttpResult>> Search(SearchCustomersRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, [FromKeyedServices(CrmModule.Id)] ITextSearch text, PageTokens tokens, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var limit = Paging.LimitOf(request);
        if (request.Query is not null)
        {
            var terms = CustomerRequestRules.Terms(request.Query);
            // The index's cursor names a record key; the client gets it sealed and bound to this app, org and query.
            var list = $"customer-search\n{CrmModule.Id}\n{orgcode}\n{string.Join(' ', terms)}";
            TextSearchPage hits;
            try
            {
                hits = await text.SearchAsync(new TextSearchQuery(Customer.Type.Entity, orgcode, terms, limit, await tokens.OpenAsync(request.NextToken, list, ct)), ct);
            }
            catch (TextSearchUnavailableException e)
            {
                return CrmProblems.SearchUnavailable(e.Message);
            }
            // Each hit is read back: a customer merged since it was indexed is not found.
            return TypedResults.Ok(await CustomersOfAsync(customers, flags, orgcode, hits.Keys, await tokens.SealAsync(hits.Token, list, ct), ct));
        }
        var (field, prefix) = request.EmailPrefix is { } email
            ? ("live_email", CustomerContact.NormaliseEmail(email))
            : ("live_phone", CustomerContact.PhonePrefix(request.PhonePrefix)!);
        var page = await customers.ListAsync(orgcode, [StateFilter.Above(field, prefix, inclusive: true), StateFilter.Below(field, prefix + '\uffff')], limit,
            request.NextToken, sort: [new StateSort(field)], ct: ct);
        return TypedResults.Ok(new Page<Customer>(await WithFlagsAsync(flags, orgcode, page.Items, ct), page.NextToken));
    }

    /// <summary>
    /// The base of a change to a live customer, checked in the contract's order: expected_revision missing (400), no such
    /// customer (404), merged (409 <c>customer_merged</c> naming the survivor), another revision (409).
    /// </summary>
    public static async Task<ChangeBase<Customer>> LoadLiveForChangeAsync(RecordStore<Customer> customers, string orgcode, string customerGuid,
        long? expectedRevision, CancellationToken ct)
    {
        if (expectedRevision is null)
        {
            return new ChangeBase<Customer>(null, ApiProblem.ExpectedRevisionRequired());
        }
        var loaded = await customers.GetAsync(orgcode, CustomerRequestRules.GuidKey(customerGuid), ct: ct);
        if (loaded is null)
        {
            return new ChangeBase<Customer>(null, ApiProblem.NotFound("No such customer."));
        }
        return loaded.Record.IsLive
            ? RecordStore<Customer>.CheckRevision(loaded, expectedRevision)
            : new ChangeBase<Customer>(null, CrmProblems.CustomerMerged(loaded.Record.CustomerGuid, loaded.Record.MergedInto ?? ""));
    }

    /// <summary>The live customer a change of its consent or flags names: 404 when there is none, 409 <c>customer_merged</c> when merged.</summary>
    public static async Task<(Customer? Customer, ProblemHttpResult? Problem)> LiveCustomerAsync(RecordStore<Customer> customers, string orgcode,
        string customerGuid, CancellationToken ct)
    {
        var loaded = await customers.GetAsync(orgcode, CustomerRequestRules.GuidKey(customerGuid), ct: ct);
        return loaded is null ? (null, ApiProblem.NotFound("No such customer."))
            : loaded.Record.IsLive ? (loaded.Record, null)
            : (null, CrmProblems.CustomerMerged(loaded.Record.CustomerGuid, loaded.Record.MergedInto ?? ""));
    }

    /// <summary>The live customers of these keys, in order, with their flags: what an index of another record names.</summary>
    private static async Task<Page<Customer>> CustomersOfAsync(RecordStore<Customer> customers, RecordStore<CustomerFlags> flags, string orgcode,
        IReadOnlyList<string> keys, string? next, CancellationToken ct)
    {
        var found = (await customers.GetManyAsync(orgcode, keys, ct: ct)).Where(c => c.IsLive).ToList();
        return new Page<Customer>(await WithFlagsAsync(flags, orgcode, found, ct), next);
    }

    /// <summary>The customer as the API shows it: its flags are kept in their own record and shown on the customer.</summary>
    private static async Task<Customer> WithFlagsAsync(RecordStore<CustomerFlags> flags, string orgcode, Customer customer, CancellationToken ct) =>
        (await WithFlagsAsync(flags, orgcode, [customer], ct))[0];

    private static async Task<IReadOnlyList<Customer>> WithFlagsAsync(RecordStore<CustomerFlags> flags, string orgcode, IReadOnlyList<Customer> page,
        CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return page;
        }
        var held = (await flags.GetManyAsync(orgcode, page.Select(c => c.CustomerGuid).ToList(), ct: ct))
            .ToDictionary(f => f.CustomerGuid, f => (IReadOnlyList<string>)f.Flags.Select(x => x.Code).ToList(), StringComparer.Ordinal);
        return page.Select(c => held.TryGetValue(c.CustomerGuid, out var codes) ? c with { Flags = codes } : c).ToList();
    }

    /// <summary>A customer may name only an account of the org that is not closed: 422 <c>unknown_reference</c>, 409 <c>account_closed</c>.</summary>
    private static async Task<ProblemHttpResult?> AccountProblemAsync(RecordStore<Account> accounts, string orgcode, string accountGuid, CancellationToken ct) =>
        (await accounts.GetAsync(orgcode, accountGuid, ct: ct))?.Record switch
        {
            null => CrmProblems.UnknownReference("account_guid", $"No account '{accountGuid}' in this org."),
            { Status: AccountStatus.Closed } => CrmProblems.AccountClosed(accountGuid),
            _ => null,
        };
}
