using Retail.Pcm.Policy;
using Retail.Pcm.Sources;
using Retail.Shared;

namespace Retail.Pcm.Buying;

/// <summary>
/// Purchase orders (UC-PCM-002): create a draft to an active PVM vendor for an active ship-to facility, approve (above
/// the policy's threshold only an admin who is not the creator), issue (the EDI 850 is created in the same transaction),
/// cancel a draft or approved PO, close an issued one short, get (with its EDI documents) and list.
/// </summary>
public static class PurchaseOrdersApi
{
    public static IEndpointRouteBuilder MapPurchaseOrders(this IEndpointRouteBuilder routes)
    {
        var po = routes.MapGroup("/po").WithTags("Purchase orders");
        po.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a draft PO to an active vendor for a ship-to facility; currency and terms default from the vendor's PVM terms.");
        po.MapPost("/approve", Approve).RequireRole(Role.Member).AsWrite()
            .WithSummary("Approve a draft PO; above the policy threshold of its currency only an admin who did not create it may.");
        po.MapPost("/issue", Issue).RequireRole(Role.Member).AsWrite()
            .WithSummary("Issue an approved PO to its vendor: its EDI 850 is created in the same transaction.");
        po.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite().WithSummary("Cancel a draft or approved PO.");
        po.MapPost("/close", Close).RequireRole(Role.Member).AsWrite()
            .WithSummary("Close an issued or partially received PO: the lines not fully received are closed short.");
        po.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a PO with its lines, their running totals and its EDI documents.");
        po.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List POs by status, vendor and ship-to facility, newest first.");
        return routes;
    }

    public static async Task<Results<Created<PurchaseOrder>, ProblemHttpResult>> Create(CreatePoRequest request, RecordStore<PurchaseOrder> store,
        BuyingChecks checks, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (vendor, badVendor) = await checks.ActiveVendorAsync(orgcode, request.VendorGuid, request.VendorCode, ct);
        if (badVendor is not null)
        {
            return badVendor;
        }
        var facility = Codes.Normalize(request.ShipToFacilityCode);
        if (await checks.FacilityProblemAsync(orgcode, facility, "ship_to_facility_code", ct) is { } badFacility)
        {
            return badFacility;
        }
        var lines = PoRules.LinesOf(request.Lines!);
        var (_, badVariant) = await checks.VariantsAsync(orgcode, lines.Select(l => l.VariantGuid).ToList(), i => $"lines[{i}].variant_guid", ct);
        if (badVariant is not null)
        {
            return badVariant;
        }
        var currency = request.Currency?.Trim().ToUpperInvariant() ?? vendor!.Terms?.Currency?.Trim().ToUpperInvariant();
        if (currency is null)
        {
            return ApiProblem.Validation("currency", "is required: the vendor's PVM terms name no currency");
        }
        var po = NewPo(vendor!, facility, currency, lines, request.Terms, request.PoNumber, RequestRules.Trimmed(request.Note), null,
            context.RequirePrincipal().Id, clock.GetUtcNow());
        return (await store.CreateAsync(orgcode, po, [PoEvents.Of(PcmEvents.PoCreated, orgcode, po, 1, po.CreatedBy)], ct)).ToCreated();
    }

    /// <summary>A draft PO (for <c>/po/create</c> and a worksheet's submit); terms not given come from the vendor's PVM terms.</summary>
    public static PurchaseOrder NewPo(PvmVendor vendor, string facilityCode, string currency, IReadOnlyList<PoLine> lines, PoTermsRequest? terms,
        string? poNumber, string? note, string? worksheetGuid, string createdBy, DateTimeOffset now)
    {
        var poGuid = Guid.CreateVersion7(now).ToString();
        var leadTime = terms?.LeadTimeDays ?? vendor.Terms?.LeadTimeDays;
        return new PurchaseOrder
        {
            PoGuid = poGuid,
            PoNumber = poNumber?.Trim() ?? PoRules.NumberFor(poGuid, now),
            VendorGuid = vendor.VendorGuid,
            VendorCode = vendor.VendorCode,
            ShipToFacilityCode = facilityCode,
            Currency = currency,
            Lines = lines,
            Terms = new PoTerms(RequestRules.Trimmed(terms?.PaymentTerms) ?? vendor.Terms?.PaymentTerms, leadTime,
                PoRules.ExpectedAt(terms?.ExpectedAt, leadTime, now), terms?.Incoterm?.Trim().ToUpperInvariant()),
            TotalMinor = PoRules.TotalOf(lines),
            WorksheetGuid = worksheetGuid,
            Note = note,
            CreatedBy = createdBy,
        };
    }

    public static async Task<Results<Ok<PurchaseOrder>, ProblemHttpResult>> Approve(PoChange request, RecordStore<PurchaseOrder> store,
        RecordStore<ProcurementPolicy> policies, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.PoGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (PurchaseOrder.Lifecycle.Check(current.Status, PoStatus.Approved) is { } refused)
        {
            return refused;
        }
        var policy = await policies.CurrentAsync(orgcode, ct);
        var threshold = policy.ThresholdFor(current.Currency);
        var approver = context.RequirePrincipal().Id;
        var shown = threshold is { } t ? $"{t} {current.Currency} minor units" : "none (every PO)";
        switch (PoRules.CheckApproval(current.TotalMinor, threshold, approver, context.Role, current.CreatedBy))
        {
            case ApprovalRefusal.SameActor:
                return PcmProblems.SameActor($"The PO's total {current.TotalMinor} is above the approval threshold ({shown}); its creator cannot approve it.");
            case ApprovalRefusal.NeedsAdmin:
                return ApiProblem.Forbidden($"The PO's total {current.TotalMinor} is above the approval threshold ({shown}); an admin approves it.");
        }
        var next = current with
        {
            Status = PoStatus.Approved,
            ApprovedBy = approver,
            ApprovedAt = clock.GetUtcNow(),
            StatusReason = RequestRules.Trimmed(request.Note) ?? current.StatusReason,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [PoEvents.Of(PcmEvents.PoApproved, orgcode, next, current.Revision + 1, approver)], ct)).ToOk();
    }

    public static async Task<Results<Ok<PurchaseOrder>, ProblemHttpResult>> Issue(PoChange request, RecordStore<PurchaseOrder> store,
        RecordStore<EdiDocument> documents, PcmSources sources, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.PoGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (PurchaseOrder.Lifecycle.Check(current.Status, PoStatus.Issued) is { } refused)
        {
            return refused;
        }
        var now = clock.GetUtcNow();
        var actor = context.RequirePrincipal().Id;
        var codes = await VariantCodesAsync(orgcode, current, sources, ct);
        var control = Edi850.ControlNumberOf(current.PoGuid);
        var document = new EdiDocument
        {
            EdiGuid = Guid.CreateVersion7(now).ToString(),
            DocType = "850",
            Direction = EdiDirection.Outbound,
            PoGuid = current.PoGuid,
            PoNumber = current.PoNumber,
            VendorGuid = current.VendorGuid,
            VendorCode = current.VendorCode,
            ControlNumber = control,
            Content = Edi850.Build(current, orgcode, now, control, codes),
        };
        var next = current with
        {
            Status = PoStatus.Issued,
            IssuedBy = actor,
            IssuedAt = now,
            EdiDocumentGuid = document.EdiGuid,
            StatusReason = RequestRules.Trimmed(request.Note) ?? current.StatusReason,
        };
        var batch = new RecordBatch();
        documents.Create(batch, orgcode, document);
        var issued = store.Update(batch, orgcode, loaded, next, "status_changed", [PoEvents.Of(PcmEvents.PoIssued, orgcode, next, current.Revision + 1, actor)]);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(issued with { EdiDocuments = [document] }) : write.Problem();
    }

    /// <summary>The PO's variant codes for the 850's vendor part numbers; a variant PVM cannot answer for now is sent by guid only.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> VariantCodesAsync(string orgcode, PurchaseOrder po, PcmSources sources,
        CancellationToken ct)
    {
        var codes = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(po.Lines.Select(l => l.VariantGuid).Distinct(),
            new ParallelOptions { MaxDegreeOfParallelism = BuyingChecks.VariantReadsInFlight, CancellationToken = ct }, async (guid, token) =>
            {
                try
                {
                    if (await sources.VariantAsync(orgcode, guid, token) is { } variant)
                    {
                        codes[guid] = variant.VariantCode;
                    }
                }
                catch (Exception e) when (e is SourceUnavailableException or SourceRefusedException)
                {
                    // The guid identifies the line on its own (PO1 BP).
                }
            });
        return codes;
    }

    public static async Task<Results<Ok<PurchaseOrder>, ProblemHttpResult>> Cancel(PoChange request, RecordStore<PurchaseOrder> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.PoGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (PurchaseOrder.Lifecycle.Check(current.Status, PoStatus.Cancelled) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        var next = current with
        {
            Status = PoStatus.Cancelled,
            Lines = PoRules.CancelLines(current.Lines),
            CancelledBy = actor,
            StatusReason = RequestRules.Trimmed(request.Note) ?? current.StatusReason,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [PoEvents.Of(PcmEvents.PoCancelled, orgcode, next, current.Revision + 1, actor)], ct)).ToOk();
    }

    public static async Task<Results<Ok<PurchaseOrder>, ProblemHttpResult>> Close(PoChange request, RecordStore<PurchaseOrder> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.PoGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (PurchaseOrder.Lifecycle.Check(current.Status, PoStatus.Closed) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        var next = current with
        {
            Status = PoStatus.Closed,
            Lines = PoRules.CloseLines(current.Lines),
            ClosedBy = actor,
            StatusReason = RequestRules.Trimmed(request.Note) ?? current.StatusReason,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [PoEvents.Of(PcmEvents.PoClosed, orgcode, next, current.Revision + 1, actor)], ct)).ToOk();
    }

    public static async Task<Results<Ok<PurchaseOrder>, ProblemHttpResult>> Get(PoKey request, RecordStore<PurchaseOrder> store,
        RecordStore<EdiDocument> documents, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await store.GetAsync(orgcode, PoRules.GuidKey(request.PoGuid!), ct: ct) is not { } loaded)
        {
            return ApiProblem.NotFound("No such purchase order.");
        }
        var edi = await documents.ListAsync(orgcode, [StateFilter.Eq("po_guid", loaded.Record.PoGuid)], Paging.MaxLimit, ct: ct);
        return TypedResults.Ok(loaded.Record with { EdiDocuments = edi.Items });
    }

    public static async Task<Results<Ok<Page<PurchaseOrder>>, ProblemHttpResult>> List(PoListRequest request, RecordStore<PurchaseOrder> store,
        BuyingChecks checks, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var filters = new List<StateFilter>();
        if (request.VendorGuid is not null || request.VendorCode is not null)
        {
            var vendorGuid = request.VendorGuid is { } g ? PoRules.GuidKey(g) : null;
            if (vendorGuid is null)
            {
                // A PO names its vendor by guid; a code is resolved through PVM (any status: old POs of a retired vendor list too).
                var (vendor, problem) = await checks.VendorAsync(orgcode, null, request.VendorCode, ct);
                if (problem is not null)
                {
                    return problem;
                }
                vendorGuid = vendor!.VendorGuid;
            }
            filters.Add(StateFilter.Eq("vendor_guid", vendorGuid));
        }
        if (request.ShipToFacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("ship_to_facility_code", Codes.Normalize(facility)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("po_guid", Descending: true)], ct: ct));
    }
}
