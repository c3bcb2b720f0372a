using Retail.Pcm.Buying;
using Retail.Pcm.Policy;
using Retail.Shared;

namespace Retail.Pcm.Payables;

/// <summary>
/// Vendor invoices (UC-PCM-003): match against the PO and its stocked receipts (the invoice and the PO lines' invoiced
/// quantities in one batch), dispute, resolve by accepting the variance, taking a credit, or rejecting.
/// </summary>
public static class InvoicesApi
{
    /// <summary>Another writer's change to the PO between read and commit is read again this many times before a 409.</summary>
    private const int PoAttempts = 5;

    public static RouteGroupBuilder MapInvoices(this IEndpointRouteBuilder routes)
    {
        var invoices = routes.MapGroup("/invoice").WithTags("Invoices");
        invoices.MapPost("/match", Match).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a vendor invoice against a PO and three-way match it: matched when every line is within tolerance, else exception.");
        invoices.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read an invoice by invoice_guid, with its per-line variances.");
        invoices.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List invoices by status, vendor or PO.");
        invoices.MapPost("/dispute", Dispute).RequireRole(Role.Member).AsWrite().WithSummary("Dispute a matched or exception invoice, with a reason.");
        invoices.MapPost("/resolve", Resolve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Resolve an exception or a dispute: accept_variance, credit (a vendor credit for the variance) or reject (the PO's invoiced quantities given back).");
        return invoices;
    }

    public static async Task<Results<Created<Invoice>, ProblemHttpResult>> Match(MatchInvoiceRequest request, RecordStore<Invoice> invoices,
        RecordStore<PurchaseOrder> pos, RecordStore<ProcurementPolicy> policies, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var number = request.VendorInvoiceNumber!.Trim();
        var policy = await policies.CurrentAsync(orgcode, ct);
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await LoadPoAsync(pos, orgcode, request.PoGuid, request.PoNumber, ct);
            if (loaded is null)
            {
                return PcmProblems.UnknownReference(request.PoGuid is null ? "po_number" : "po_guid", "No such PO.");
            }
            var po = loaded.Record;
            if (request.VendorGuid is { } vendorGuid ? PayablesRequestRules.GuidKey(vendorGuid) != po.VendorGuid : Codes.Normalize(request.VendorCode) != po.VendorCode)
            {
                return PcmProblems.VendorMismatch($"PO {po.PoNumber} is to vendor {po.VendorCode}; the invoice is from another vendor.");
            }
            if (!string.Equals(request.Currency!.Trim(), po.Currency, StringComparison.OrdinalIgnoreCase))
            {
                return PcmProblems.CurrencyMismatch($"PO {po.PoNumber} is in {po.Currency}; the invoice is in {request.Currency.Trim().ToUpperInvariant()}.");
            }
            if (!InvoiceRules.IsInvoiceable(po.Status))
            {
                return PcmProblems.PoNotInvoiceable($"PO {po.PoNumber} is {Retail.Shared.Json.SnakeCase.Name(po.Status)}; only an issued PO is invoiced.");
            }
            if (await invoices.FindAsync(orgcode, "vendor_invoice_number", Invoice.UniqueNumber(po.VendorGuid, number), ct) is not null)
            {
                return ApiProblem.Duplicate($"Vendor {po.VendorCode} already has an invoice {number}.", "vendor_invoice_number");
            }
            var (lines, unknown) = InvoiceRules.Match(po,
                request.Lines!.Select(l => new InvoicedLine(l.PoLineNo!.Value, l.Quantity!.Value, l.UnitCostMinor!.Value)).ToList(), policy);
            if (unknown is not null)
            {
                return unknown;
            }
            var invoice = InvoiceRules.WithTotals(new Invoice
            {
                InvoiceGuid = Ids.New(),
                VendorInvoiceNumber = number,
                VendorGuid = po.VendorGuid,
                VendorCode = po.VendorCode,
                PoGuid = po.PoGuid,
                PoNumber = po.PoNumber,
                Currency = po.Currency,
                InvoiceDate = request.InvoiceDate!.Value,
                Lines = lines!,
                Status = InvoiceRules.StatusOf(lines!),
                TaxMinor = request.TaxMinor ?? 0,
                FreightMinor = request.FreightMinor ?? 0,
                MatchedBy = context.RequirePrincipal().Id,
                Revision = 1,
            });
            var batch = new RecordBatch();
            var created = invoices.Create(batch, orgcode, invoice,
                [PayablesEvents.Of(invoice.Status == InvoiceStatus.Matched ? PcmEvents.InvoiceMatched : PcmEvents.InvoiceException, orgcode, invoice)]);
            pos.Update(batch, orgcode, loaded, InvoiceRules.Invoice(po, lines!), "invoiced");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Created((string?)null, created);
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || write.Entity != pos.Entity || attempt == PoAttempts)
            {
                return write.Problem();
            }
        }
    }

    public static async Task<Results<Ok<Invoice>, ProblemHttpResult>> Get(InvoiceKey request, RecordStore<Invoice> store, RequestContext context,
        CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), PayablesRequestRules.GuidKey(request.InvoiceGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such invoice.");

    public static async Task<Ok<Page<Invoice>>> List(InvoiceListRequest request, RecordStore<Invoice> store, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.PoGuid is { } po)
        {
            filters.Add(StateFilter.Eq("po_guid", PayablesRequestRules.GuidKey(po)));
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

    public static async Task<Results<Ok<Invoice>, ProblemHttpResult>> Dispute(DisputeInvoiceRequest request, RecordStore<Invoice> store,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PayablesRequestRules.GuidKey(request.InvoiceGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Invoice.Lifecycle.Check(current.Status, InvoiceStatus.Disputed) is { } refused)
        {
            return refused;
        }
        var next = current with
        {
            Status = InvoiceStatus.Disputed,
            DisputeReason = request.Reason!.Trim(),
            DisputedBy = context.RequirePrincipal().Id,
            DisputedAt = clock.GetUtcNow(),
            Revision = current.Revision + 1,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed", [PayablesEvents.Of(PcmEvents.InvoiceDisputed, orgcode, next)], ct)).ToOk();
    }

    public static async Task<Results<Ok<Invoice>, ProblemHttpResult>> Resolve(ResolveInvoiceRequest request, RecordStore<Invoice> invoices,
        RecordStore<PurchaseOrder> pos, RecordStore<VendorCredit> credits, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await invoices.LoadForChangeAsync(orgcode, PayablesRequestRules.GuidKey(request.InvoiceGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var resolution = request.Resolution!.Value;
        if (Invoice.Lifecycle.Check(current.Status, InvoiceRules.StatusOf(resolution)) is { } refused)
        {
            return refused;
        }
        var resolver = context.RequirePrincipal().Id;
        if (resolver == current.MatchedBy)
        {
            return PcmProblems.SameActor("Whoever matched an invoice cannot resolve its variance or dispute.");
        }
        var next = current with
        {
            Status = InvoiceRules.StatusOf(resolution),
            Resolution = resolution,
            ResolutionNote = RequestRules.Trimmed(request.Note),
            ResolvedBy = resolver,
            ResolvedAt = clock.GetUtcNow(),
            Revision = current.Revision + 1,
        };
        switch (resolution)
        {
            case InvoiceResolution.AcceptVariance:
                return (await invoices.UpdateAsync(orgcode, loaded, next, "status_changed", [PayablesEvents.Of(PcmEvents.InvoiceResolved, orgcode, next)], ct)).ToOk();
            case InvoiceResolution.Credit:
                return await CreditAsync(request, invoices, credits, orgcode, loaded, next, resolver, ct);
            default:
                return await RejectAsync(invoices, pos, orgcode, loaded, next, ct);
        }
    }

    /// <summary>A credit note for the variance (or the amount given), recorded and applied to the invoice at once.</summary>
    private static async Task<Results<Ok<Invoice>, ProblemHttpResult>> CreditAsync(ResolveInvoiceRequest request, RecordStore<Invoice> invoices,
        RecordStore<VendorCredit> credits, string orgcode, Loaded<Invoice> loaded, Invoice next, string resolver, CancellationToken ct)
    {
        var current = loaded.Record;
        var amount = request.CreditAmountMinor ?? current.VarianceMinor;
        if (amount <= 0)
        {
            return PcmProblems.NoVariance($"Invoice {current.VendorInvoiceNumber} charges nothing beyond the PO and its receipts; give credit_amount_minor.");
        }
        if (amount > current.OpenMinor)
        {
            return PcmProblems.CreditExceedsInvoice($"A credit of {amount} is more than the invoice's open {current.OpenMinor}.", current.OpenMinor);
        }
        var credit = new VendorCredit
        {
            CreditGuid = Ids.New(),
            VendorGuid = current.VendorGuid,
            VendorCode = current.VendorCode,
            Currency = current.Currency,
            AmountMinor = amount,
            RemainingMinor = amount,
            Source = CreditSource.Invoice,
            SourceGuid = current.InvoiceGuid,
            CreatedBy = resolver,
            Revision = 1,
        }.Apply(amount, current.InvoiceGuid);
        var resolved = InvoiceRules.ApplyCredit(next, amount) with { CreditGuid = credit.CreditGuid };
        var batch = new RecordBatch();
        credits.Create(batch, orgcode, credit, [PayablesEvents.Applied(orgcode, credit, resolved, amount)]);
        var updated = invoices.Update(batch, orgcode, loaded, resolved, "status_changed", [PayablesEvents.Of(PcmEvents.InvoiceResolved, orgcode, resolved)]);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(updated) : write.Problem();
    }

    /// <summary>Rejected: the PO lines' invoiced quantities are given back in the same batch.</summary>
    private static async Task<Results<Ok<Invoice>, ProblemHttpResult>> RejectAsync(RecordStore<Invoice> invoices, RecordStore<PurchaseOrder> pos,
        string orgcode, Loaded<Invoice> loaded, Invoice next, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await pos.GetAsync(orgcode, next.PoGuid, ct: ct) is not { } po)
            {
                return ApiProblem.NotFound("The invoice's PO is gone.");
            }
            var batch = new RecordBatch();
            var updated = invoices.Update(batch, orgcode, loaded, next, "status_changed", [PayablesEvents.Of(PcmEvents.InvoiceResolved, orgcode, next)]);
            pos.Update(batch, orgcode, po, InvoiceRules.Invoice(po.Record, next.Lines, sign: -1), "invoice_rejected");
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(updated);
            }
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || write.Entity != pos.Entity || attempt == PoAttempts)
            {
                return write.Problem();
            }
        }
    }

    private static async Task<Loaded<PurchaseOrder>?> LoadPoAsync(RecordStore<PurchaseOrder> pos, string orgcode, string? poGuid, string? poNumber,
        CancellationToken ct)
    {
        if (poGuid is not null)
        {
            return await pos.GetAsync(orgcode, PayablesRequestRules.GuidKey(poGuid), ct: ct);
        }
        var number = poNumber!.Trim();
        return await pos.FindAsync(orgcode, "po_number", number, ct) ?? await pos.FindAsync(orgcode, "po_number", number.ToUpperInvariant(), ct);
    }
}
