using FluentValidation;

namespace Retail.Crm.Customers;

/// <param name="Source">Where it was captured: a code such as <c>web_signup</c>, <c>pos</c>, <c>call_centre</c>.</param>
/// <param name="TextVersion">The version of the consent text the customer saw (<c>2026-11</c>, <c>v3</c>).</param>
/// <param name="CapturedAt">When the customer gave or withdrew it (a paper form signed earlier); now when left out. Never in the future.</param>
/// <param name="ExpectedRevision">The consent record's revision (0: none yet) to change only what was read; when left out the change is recorded on whatever stands.</param>
public sealed record SetConsentRequest(string? CustomerGuid, ConsentPurpose? Purpose, ConsentStatus? Status, string? Source, string? TextVersion,
    DateTimeOffset? CapturedAt, long? ExpectedRevision);

/// <param name="History">Also answer the changes, newest first, paged by limit/next_token.</param>
public sealed record GetConsentRequest(string? CustomerGuid, bool? History, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A customer's consents: every purpose recorded, the purposes granted, and (asked) the history of changes.</summary>
/// <param name="Revision">The consent record's revision; 0 when nothing was recorded yet.</param>
public sealed record ConsentView(string CustomerGuid, long Revision, string? MergedInto, IReadOnlyList<ConsentEntry> Purposes, IReadOnlyList<ConsentPurpose> Granted,
    IReadOnlyList<ConsentChange>? History, string? NextToken)
{
    public static ConsentView Of(string customerGuid, CustomerConsent? consent, string? mergedInto, Page<ConsentChange>? history = null) =>
        new(customerGuid, consent?.Revision ?? 0, mergedInto, consent?.Purposes ?? [],
            consent?.Purposes.Where(p => p.Status == ConsentStatus.Granted).Select(p => p.Purpose).ToList() ?? [], history?.Items, history?.NextToken);
}

public sealed class SetConsentRequestValidator : AbstractValidator<SetConsentRequest>
{
    public SetConsentRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.Purpose).NotNull().WithMessage("is required").IsInEnum();
        RuleFor(r => r.Status).NotNull().WithMessage("is required").IsInEnum();
        RuleFor(r => r.Source).BusinessCode();
        RuleFor(r => r.TextVersion).RequiredText(50);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class GetConsentRequestValidator : AbstractValidator<GetConsentRequest>
{
    public GetConsentRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.CustomerGuid).RequiredGuid();
    }
}

/// <summary>
/// Consent (UC-CRM-001): per purpose granted or withdrawn, with source, capture time and text version. Every change is an
/// immutable record beside the customer's consent record, both in one batch with <c>consent.changed</c>.
/// </summary>
public static class ConsentApi
{
    private const int Attempts = 5;

    public static RouteGroupBuilder MapConsentApi(this IEndpointRouteBuilder routes)
    {
        var consent = routes.MapGroup("/customer/consent").WithTags("Consent");
        consent.MapPost("/set", Set).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record that a customer granted or withdrew a purpose (marketing_email, marketing_sms, data_sharing, profiling).");
        consent.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a customer's consents; with history: true also every change, newest first.");
        return consent;
    }

    public static async Task<Results<Ok<ConsentView>, ProblemHttpResult>> Set(SetConsentRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerConsent> consents, RecordStore<ConsentChange> changes, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (customer, problem) = await CustomersApi.LiveCustomerAsync(customers, orgcode, request.CustomerGuid!, ct);
        if (problem is not null)
        {
            return problem;
        }
        var now = clock.GetUtcNow();
        if (request.CapturedAt > now)
        {
            return ApiProblem.Validation("captured_at", "must not be in the future");
        }
        var by = context.RequirePrincipal().Id;
        for (var attempt = 1; ; attempt++)
        {
            var current = await consents.GetAsync(orgcode, customer!.CustomerGuid, ct: ct);
            if (current?.Record.MergedInto is { } survivor)
            {
                return CrmProblems.CustomerMerged(customer.CustomerGuid, survivor);
            }
            if (request.ExpectedRevision is { } expected && expected != (current?.Record.Revision ?? 0))
            {
                return ApiProblem.RevisionMismatch(current?.Record.Revision ?? 0);
            }
            var entry = new ConsentEntry(request.Purpose!.Value, request.Status!.Value, Codes.Normalize(request.Source)!, request.TextVersion!.Trim(),
                request.CapturedAt ?? now, now, by);
            var change = ConsentChange.Of(customer.CustomerGuid, entry, current?.Record.Of(entry.Purpose)?.Status);
            var next = current is null
                ? new CustomerConsent { CustomerGuid = customer.CustomerGuid, Purposes = [entry], Revision = 1 }
                : current.Record with { Purposes = current.Record.With(entry), Revision = current.Record.Revision + 1 };
            var batch = new RecordBatch();
            var saved = current is null
                ? consents.Create(batch, orgcode, next, [ConsentChanged.Of(orgcode, next, change)])
                : consents.Update(batch, orgcode, current, next, events: [ConsentChanged.Of(orgcode, next, change)]);
            changes.Create(batch, orgcode, change);
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(ConsentView.Of(customer.CustomerGuid, saved, null));
            }
            // A capture states a fact at a time: without an expected revision it is recorded on whatever stands, so a lost race reads again.
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || request.ExpectedRevision is not null || attempt == Attempts)
            {
                return write.Problem();
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), ct);
        }
    }

    public static async Task<Results<Ok<ConsentView>, ProblemHttpResult>> Get(GetConsentRequest request, RecordStore<Customer> customers,
        RecordStore<CustomerConsent> consents, RecordStore<ConsentChange> changes, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var customer = (await customers.GetAsync(orgcode, CustomerRequestRules.GuidKey(request.CustomerGuid!), ct: ct))?.Record;
        if (customer is null)
        {
            return ApiProblem.NotFound("No such customer.");
        }
        var consent = (await consents.GetAsync(orgcode, customer.CustomerGuid, ct: ct))?.Record;
        var history = request.History == true
            ? await changes.ListAsync(orgcode, [StateFilter.Eq("customer_guid", customer.CustomerGuid)], Paging.LimitOf(request), request.NextToken,
                sort: [new StateSort("change_guid", Descending: true)], ct: ct)
            : null;
        return TypedResults.Ok(ConsentView.Of(customer.CustomerGuid, consent, customer.MergedInto, history));
    }
}
