using FluentValidation;

namespace Retail.Crm.Customers;

/// <param name="Code">The flag: lower-case words joined by underscores (<c>vip</c>, <c>do_not_contact</c>).</param>
/// <param name="Set">True (default) sets the flag (again: with a new note), false clears it.</param>
/// <param name="ExpectedRevision">The flags record's revision (0: none yet) to change only what was read; when left out the change applies to whatever stands.</param>
public sealed record SetFlagRequest(string? CustomerGuid, string? Code, bool? Set, string? Note, long? ExpectedRevision);

/// <param name="History">Also answer the changes (set, cleared), newest first, paged by limit/next_token.</param>
public sealed record ListFlagsRequest(string? CustomerGuid, bool? History, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A customer's flags with who set each and when, and (asked) the history of changes.</summary>
/// <param name="Revision">The flags record's revision; 0 when no flag was ever set.</param>
public sealed record FlagsView(string CustomerGuid, long Revision, string? MergedInto, IReadOnlyList<FlagEntry> Flags, IReadOnlyList<FlagChange>? History,
    string? NextToken)
{
    public static FlagsView Of(string customerGuid, CustomerFlags? flags, string? mergedInto, Page<FlagChange>? history = null) =>
        new(customerGuid, flags?.Revision ?? 0, mergedInto, flags?.Flags ?? [], history?.Items, history?.NextToken);
}

public sealed class SetFlagRequestValidator : AbstractValidator<SetFlagRequest>
{
    public SetFlagRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Code).NotEmpty().WithMessage("is required").Must(CustomerFlagRules.IsCode).WithMessage(CustomerFlagRules.CodeMessage);
        RuleFor(r => r.Note).MultilineText(500);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ListFlagsRequestValidator : AbstractValidator<ListFlagsRequest>
{
    public ListFlagsRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.CustomerGuid).RequiredGuid();
    }
}

/// <summary>
/// Flags (vip, do_not_contact, …): set or cleared with a note; the flags record and an immutable change commit in one
/// batch with <c>customer.flag_changed</c>. Customers with a flag are listed by <c>/customer/list</c> with <c>flag</c>.
/// </summary>
public static class FlagsApi
{
    private const int Attempts = 5;

    public static RouteGroupBuilder MapFlagsApi(this IEndpointRouteBuilder routes)
    {
        var flags = routes.MapGroup("/customer/flag").WithTags("Flags");
        flags.MapPost("/set", Set).RequireRole(Role.Member).AsWrite()
            .WithSummary("Set (with a note) or clear a flag on a customer.");
        flags.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("A customer's flags with who set each and when; with history: true also every change, newest first.");
        return flags;
    }

    public static async Task<Results<Ok<FlagsView>, ProblemHttpResult>> Set(SetFlagRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, RecordStore<FlagChange> changes, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (customer, problem) = await CustomersApi.LiveCustomerAsync(customers, orgcode, request.CustomerGuid!, ct);
        if (problem is not null)
        {
            return problem;
        }
        var code = CustomerFlagRules.Normalise(request.Code!);
        var note = RequestRules.Trimmed(request.Note);
        var set = request.Set ?? true;
        var by = context.RequirePrincipal().Id;
        for (var attempt = 1; ; attempt++)
        {
            var current = await flags.GetAsync(orgcode, customer!.CustomerGuid, ct: ct);
            if (current?.Record.MergedInto is { } survivor)
            {
                return CrmProblems.CustomerMerged(customer.CustomerGuid, survivor);
            }
            if (request.ExpectedRevision is { } expected && expected != (current?.Record.Revision ?? 0))
            {
                return ApiProblem.RevisionMismatch(current?.Record.Revision ?? 0);
            }
            var held = current?.Record.Flags ?? [];
            var others = held.Where(f => f.Code != code).ToList();
            if (!set && others.Count == held.Count)
            {
                // Clearing a flag that is not set changes nothing.
                return TypedResults.Ok(FlagsView.Of(customer.CustomerGuid, current?.Record, null));
            }
            if (set && others.Count == held.Count && held.Count >= CustomerFlagRules.MaxFlags)
            {
                return CrmProblems.TooManyFlags(CustomerFlagRules.MaxFlags);
            }
            var now = clock.GetUtcNow();
            IReadOnlyList<FlagEntry> nextFlags = set ? [.. others, new FlagEntry(code, note, by, now)] : others;
            var next = current is null
                ? new CustomerFlags { CustomerGuid = customer.CustomerGuid, Flags = nextFlags, Revision = 1 }
                : current.Record with { Flags = nextFlags, Revision = current.Record.Revision + 1 };
            var change = FlagChange.Of(customer.CustomerGuid, code, set ? FlagAction.Set : FlagAction.Cleared, note, by);
            var batch = new RecordBatch();
            var saved = current is null
                ? flags.Create(batch, orgcode, next, [CustomerFlagChanged.Of(orgcode, next, change)])
                : flags.Update(batch, orgcode, current, next, events: [CustomerFlagChanged.Of(orgcode, next, change)]);
            changes.Create(batch, orgcode, change);
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(FlagsView.Of(customer.CustomerGuid, saved, null));
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || request.ExpectedRevision is not null || attempt == Attempts)
            {
                return write.Problem();
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), ct);
        }
    }

    public static async Task<Results<Ok<FlagsView>, ProblemHttpResult>> List(ListFlagsRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerFlags> flags, RecordStore<FlagChange> changes, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var customer = (await customers.GetAsync(orgcode, CustomerRequestRules.GuidKey(request.CustomerGuid!), ct: ct))?.Record;
        if (customer is null)
        {
            return ApiProblem.NotFound("No such customer.");
        }
        var current = (await flags.GetAsync(orgcode, customer.CustomerGuid, ct: ct))?.Record;
        var history = request.History == true
            ? await changes.ListAsync(orgcode, [StateFilter.Eq("customer_guid", customer.CustomerGuid)], Paging.LimitOf(request), request.NextToken,
                sort: [new StateSort("change_guid", Descending: true)], ct: ct)
            : null;
        return TypedResults.Ok(FlagsView.Of(customer.CustomerGuid, current, customer.MergedInto, history));
    }
}
