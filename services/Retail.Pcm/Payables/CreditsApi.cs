using FluentValidation;

namespace Retail.Pcm.Payables;

/// <param name="ExpectedRevision">The credit's revision.</param>
/// <param name="InvoiceExpectedRevision">The invoice's revision.</param>
/// <param name="AmountMinor">How much of the credit to apply; the lesser of its remaining and the invoice's open amount when left out.</param>
public sealed record ApplyCreditRequest(string? CreditGuid, long? ExpectedRevision, string? InvoiceGuid, long? InvoiceExpectedRevision, long? AmountMinor);

/// <summary>The credit and the invoice as the application left them.</summary>
public sealed record CreditApplication(VendorCredit Credit, Invoice Invoice, long AmountMinor);

public sealed record CreditKey(string? CreditGuid);

public sealed record CreditListRequest(CreditStatus? Status, string? VendorGuid, string? SourceGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed class ApplyCreditRequestValidator : AbstractValidator<ApplyCreditRequest>
{
    public ApplyCreditRequestValidator()
    {
        RuleFor(r => r.CreditGuid).RequiredGuid();
        RuleFor(r => r.InvoiceGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.InvoiceExpectedRevision).GreaterThan(0).When(r => r.InvoiceExpectedRevision is not null);
        RuleFor(r => r.AmountMinor).InclusiveBetween(1, PayablesRequestRules.MaxMinor).When(r => r.AmountMinor is not null);
    }
}

public sealed class CreditKeyValidator : AbstractValidator<CreditKey>
{
    public CreditKeyValidator() => RuleFor(r => r.CreditGuid).RequiredGuid();
}

public sealed class CreditListRequestValidator : AbstractValidator<CreditListRequest>
{
    public CreditListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.SourceGuid).OptionalGuid();
    }
}

/// <summary>Vendor credits: apply one to an invoice of the same vendor and currency (both ETag-checked, one batch); get, list.</summary>
public static class CreditsApi
{
    public static RouteGroupBuilder MapCredits(this IEndpointRouteBuilder routes)
    {
        var credits = routes.MapGroup("/credit").WithTags("Vendor credits");
        credits.MapPost("/apply", Apply).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Apply (part of) a vendor credit to an invoice of the same vendor and currency: its open amount falls, the credit's remaining too.");
        credits.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a vendor credit by credit_guid (extra).");
        credits.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List vendor credits by status, vendor or source RTV/invoice (extra).");
        return credits;
    }

    public static async Task<Results<Ok<CreditApplication>, ProblemHttpResult>> Apply(ApplyCreditRequest request, RecordStore<VendorCredit> credits,
        RecordStore<Invoice> invoices, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (credit, problem) = await credits.LoadForChangeAsync(orgcode, PayablesRequestRules.GuidKey(request.CreditGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var (invoice, invoiceProblem) = await invoices.LoadForChangeAsync(orgcode, PayablesRequestRules.GuidKey(request.InvoiceGuid!),
            request.InvoiceExpectedRevision, ct: ct);
        if (invoiceProblem is not null)
        {
            return invoiceProblem;
        }
        var (c, i) = (credit!.Record, invoice!.Record);
        if (c.VendorGuid != i.VendorGuid)
        {
            return PcmProblems.VendorMismatch($"The credit is from vendor {c.VendorCode}; the invoice from {i.VendorCode}.");
        }
        if (c.Currency != i.Currency)
        {
            return PcmProblems.CurrencyMismatch($"The credit is in {c.Currency}; the invoice in {i.Currency}.");
        }
        if (!i.IsPayable)
        {
            return PcmProblems.InvoiceNotPayable(
                $"Invoice {i.VendorInvoiceNumber} is {Retail.Shared.Json.SnakeCase.Name(i.Status)}; credits apply to matched, approved or resolved invoices.");
        }
        var amount = request.AmountMinor ?? Math.Min(c.RemainingMinor, i.OpenMinor);
        if (amount > c.RemainingMinor)
        {
            return PcmProblems.CreditExceedsRemaining($"{amount} to apply; {c.RemainingMinor} remains of the credit.", c.RemainingMinor);
        }
        if (amount > i.OpenMinor)
        {
            return PcmProblems.CreditExceedsInvoice($"{amount} to apply; the invoice has {i.OpenMinor} open.", i.OpenMinor);
        }
        if (amount <= 0)
        {
            return PcmProblems.CreditExceedsInvoice("Nothing to apply: the credit or the invoice has nothing left.", i.OpenMinor);
        }
        var nextCredit = c.Apply(amount, i.InvoiceGuid) with { Revision = c.Revision + 1 };
        var nextInvoice = InvoiceRules.ApplyCredit(i, amount) with { Revision = i.Revision + 1 };
        var batch = new RecordBatch();
        var stagedCredit = credits.Update(batch, orgcode, credit, nextCredit, "applied", [PayablesEvents.Applied(orgcode, nextCredit, nextInvoice, amount)]);
        var stagedInvoice = invoices.Update(batch, orgcode, invoice, nextInvoice, "credit_applied");
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(new CreditApplication(stagedCredit, stagedInvoice, amount)) : write.Problem();
    }

    public static async Task<Results<Ok<VendorCredit>, ProblemHttpResult>> Get(CreditKey request, RecordStore<VendorCredit> store, RequestContext context,
        CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), PayablesRequestRules.GuidKey(request.CreditGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such vendor credit.");

    public static async Task<Ok<Page<VendorCredit>>> List(CreditListRequest request, RecordStore<VendorCredit> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.SourceGuid is { } source)
        {
            filters.Add(StateFilter.Eq("source_guid", PayablesRequestRules.GuidKey(source)));
        }
        if (request.VendorGuid is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_guid", PayablesRequestRules.GuidKey(vendor)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }
}
