using Retail.Scm.Orders;
using Retail.Scm.Sources;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Scm.Fulfilment;

/// <summary>
/// What goes wrong in fulfilment (UC-SCM-002): each exception is a <see cref="ShipmentException"/> record, open until an
/// admin resolves it, committed with its shipment (and order) change and <c>fulfillment.shipment_updated</c>. Short pick
/// backorders (or cancels) what is missing, damaged replaces from available, carrier failure reships, partial ships what
/// is there; substitution replaces a line's variant with one of PVM's alternatives.
/// </summary>
public static class ExceptionsApi
{
    private static readonly ShipmentStatus[] BeforeShipping = [ShipmentStatus.Created, ShipmentStatus.Picked, ShipmentStatus.Packed];

    public static IEndpointRouteBuilder MapShipmentExceptions(this IEndpointRouteBuilder routes)
    {
        var exceptions = routes.MapGroup("/fulfillment/shipment/exception").WithTags("Fulfilment");
        exceptions.MapPost("", Raise).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record an exception on a shipment (a kind and a note); nothing else changes.");
        exceptions.MapPost("/short-pick", ShortPick).RequireRole(Role.Member).AsWrite()
            .WithSummary("Less was found than committed: the shipment takes what was found; the rest is written off in ICS and backordered (or cancelled).");
        exceptions.MapPost("/damaged", Damaged).RequireRole(Role.Member).AsWrite()
            .WithSummary("Items were found damaged before shipping: moved to damaged in ICS and replaced by a new commitment from available.");
        exceptions.MapPost("/carrier-failure", CarrierFailure).RequireRole(Role.Member).AsWrite()
            .WithSummary("A shipped shipment was lost in transit: a new shipment of the same lines from new commitments; the order and tender are not counted twice.");
        exceptions.MapPost("/partial", Partial).RequireRole(Role.Member).AsWrite()
            .WithSummary("Ship what is there: the shipment's lines are reduced; the rest stays open and committed on the order.");
        exceptions.MapPost("/resolve", Resolve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Close an open exception with its resolution.");
        exceptions.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("An exception by exception_guid.");
        exceptions.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Exceptions of a shipment, or by status.");
        routes.MapGroup("/fulfillment/shipment/substitution").WithTags("Fulfilment").MapPost("/apply", Substitute).RequireRole(Role.Member).AsWrite()
            .WithSummary("Replace an order line's variant with one of its active PVM alternatives at the same or a lower price; the line keeps its price.");
        return routes;
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Raise(ExceptionRaiseRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await ShipmentsApi.LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var lines = (request.Lines ?? []).Select(l => new ExceptionLine(l.LineNo!.Value, l.Quantity!.Value)).ToList();
        if (UnknownLine(shipment, lines.Select(l => l.LineNo)) is { } unknown)
        {
            return unknown;
        }
        return await RaiseAsync(changes, context, orgcode, loaded, shipment, request.Kind!.Value, lines, request.Note, null, null, null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> ShortPick(ShortPickRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadBeforeShippingAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
        if (order is null)
        {
            return noOrder!;
        }
        var remedy = request.Remedy ?? ShortPickRemedy.Backorder;
        if (remedy == ShortPickRemedy.Backorder && !(await changes.Sources.PolicyAsync(orgcode, shipment.ChannelCode, ct)).BackordersAllowed)
        {
            return ScmProblems.BackorderNotAllowed(shipment.ChannelCode);
        }
        var missing = new Dictionary<int, long>();
        var keep = new Dictionary<int, long>();
        foreach (var asked in request.Lines!)
        {
            var lineNo = asked.LineNo!.Value;
            if (shipment.Lines.FirstOrDefault(l => l.LineNo == lineNo) is not { } line)
            {
                return ScmProblems.UnknownReference("lines.line_no", $"The shipment has no line {lineNo}.");
            }
            if (line.HoldGuid is not null || asked.Found >= line.Quantity)
            {
                return ScmProblems.LineNotShippable("nothing_short", "Nothing is short.", lineNo,
                    line.HoldGuid is not null ? $"Line {lineNo} is a reship; cancel it and reship again." : $"Line {lineNo}: {asked.Found} found of {line.Quantity}.");
            }
            missing[lineNo] = line.Quantity - asked.Found!.Value;
            keep[lineNo] = asked.Found!.Value;
        }
        // The missing units are not in the facility: released from the line's commitment and written off (shrink).
        var holds = new Dictionary<int, LineHold?>();
        try
        {
            foreach (var (lineNo, gone) in missing)
            {
                var line = order.Record.Line(lineNo)!;
                var (hold, noHold) = await changes.CommittedHoldAsync(orgcode, line, ct);
                if (hold is null)
                {
                    return noHold!;
                }
                var key = $"{shipment.ShipmentGuid}:r{shipment.Revision}:short_pick:{lineNo}";
                // The missing units leave the commitment (the rest stays held by it) and are written off.
                var kept = gone < hold.Quantity
                    ? await changes.Sources.ReleasePartAsync(orgcode, hold, gone, "short_pick", $"{key}:release", ct)
                    : await changes.Sources.ReleaseAsync(orgcode, hold, "short_pick", $"{key}:release", ct);
                await changes.Sources.AdjustAsync(orgcode, hold.FacilityCode, hold.VariantGuid, gone, "shrink",
                    $"short pick of shipment {shipment.ShipmentGuid}", $"{key}:shrink", ct);
                holds[lineNo] = gone < hold.Quantity
                    ? ShipmentRules.ToLineHold(kept)
                    : null;
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        // Nothing found of any line: the shipment is cancelled (its lines keep what they asked, with what was short).
        var lines = ShipmentRules.Reduced(shipment.Lines, keep, countShort: true);
        var next = lines.Count > 0 ? shipment with { Lines = lines }
            : shipment with
            {
                Lines = shipment.Lines.Select(l => missing.TryGetValue(l.LineNo, out var gone) ? l with { Short = l.Short + gone } : l).ToList(),
                Status = ShipmentStatus.Cancelled,
                CancelledAt = changes.Now,
                StatusReason = "short_pick",
            };
        var action = remedy == ShortPickRemedy.Backorder ? "backordered" : "cancelled";
        return await RaiseAsync(changes, context, orgcode, loaded, next, ExceptionKind.ShortPick,
            missing.Select(m => new ExceptionLine(m.Key, m.Value)).ToList(), request.Note, action, null, current =>
            {
                var after = current;
                var events = new List<DomainEvent>();
                foreach (var (lineNo, gone) in missing)
                {
                    if (remedy == ShortPickRemedy.Backorder)
                    {
                        after = after with { Lines = after.Lines.Select(l => l.LineNo == lineNo ? l with { Hold = holds[lineNo], Status = OrderLineStatus.Backordered } : l).ToList() };
                    }
                    else
                    {
                        after = ShipmentRules.CancelQuantity(after, lineNo, gone, holds[lineNo]);
                        events.Add(new DomainEvent(ScmEvents.OrderLineCancelled, new OrderLineCancelledEvent(orgcode, current.OrderGuid, current.OrderNumber,
                            lineNo, current.Line(lineNo)!.VariantGuid, gone, "short_pick"), current.OrderGuid));
                    }
                }
                events.AddRange(ShipmentChanges.FulfilledEvents(orgcode, current, after));
                return (after, events);
            }, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Damaged(DamagedRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadBeforeShippingAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
        if (order is null)
        {
            return noOrder!;
        }
        var damaged = request.Lines!.Select(l => new ExceptionLine(l.LineNo!.Value, l.Quantity!.Value)).ToList();
        foreach (var line in damaged)
        {
            if (shipment.Lines.FirstOrDefault(l => l.LineNo == line.LineNo) is not { } on)
            {
                return ScmProblems.UnknownReference("lines.line_no", $"The shipment has no line {line.LineNo}.");
            }
            if (on.HoldGuid is not null || line.Quantity > on.Quantity)
            {
                return ScmProblems.LineNotShippable("quantity_exceeds_open", "More than the shipment takes.", line.LineNo,
                    on.HoldGuid is not null ? $"Line {line.LineNo} is a reship; cancel it and reship again." : $"Line {line.LineNo}: {line.Quantity} damaged of {on.Quantity}.");
            }
        }
        // The damaged units leave the commitment for damaged; as many come from available into a new commitment of the
        // whole line. Available is checked first, so a facility without replacements refuses before anything moves.
        var holds = new Dictionary<int, LineHold?>();
        try
        {
            foreach (var line in damaged)
            {
                var position = await changes.Sources.StockAsync(orgcode, shipment.FacilityCode, order.Record.Line(line.LineNo)!.VariantGuid, ct);
                if (position.Available < line.Quantity)
                {
                    return ScmProblems.InsufficientStock($"Line {line.LineNo}: {line.Quantity} needed to replace the damaged; {position.Available} available.",
                        [new { line_no = line.LineNo, variant_guid = position.VariantGuid, requested = line.Quantity, available = position.Available }]);
                }
            }
            foreach (var line in damaged)
            {
                var (hold, noHold) = await changes.CommittedHoldAsync(orgcode, order.Record.Line(line.LineNo)!, ct);
                if (hold is null)
                {
                    return noHold!;
                }
                var key = $"{shipment.ShipmentGuid}:r{shipment.Revision}:damaged:{line.LineNo}";
                await changes.Sources.ReleaseAsync(orgcode, hold, "damaged", $"{key}:release", ct);
                await changes.Sources.AdjustAsync(orgcode, hold.FacilityCode, hold.VariantGuid, line.Quantity, "damage",
                    $"damaged in shipment {shipment.ShipmentGuid}", $"{key}:damage", ct);
                holds[line.LineNo] = ShipmentRules.ToLineHold(await changes.Sources.CommitAsync(orgcode, hold.FacilityCode, hold.VariantGuid, hold.Quantity,
                    order.Record.OrderGuid, $"{key}:replace", ct));
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        return await RaiseAsync(changes, context, orgcode, loaded, shipment, ExceptionKind.Damaged, damaged, request.Note, "replaced", null,
            current => (current with { Lines = current.Lines.Select(l => holds.TryGetValue(l.LineNo, out var h) ? l with { Hold = h } : l).ToList() }, []), ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> CarrierFailure(CarrierFailureRequest request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await ShipmentsApi.LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        if (shipment.Status != ShipmentStatus.Shipped || shipment.ReshippedAs is not null)
        {
            return ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(shipment.Status), "reshipped", []);
        }
        // The lost goods left the facility and were counted on the order when they shipped: the reship takes new stock of
        // its own (new commitments) and does not count on the order lines again; the tender is not charged again.
        var reshipGuid = Ids.New();
        var lines = new List<ShipmentLine>();
        try
        {
            foreach (var line in shipment.Lines)
            {
                var hold = await changes.Sources.CommitAsync(orgcode, shipment.FacilityCode, line.VariantGuid, line.Quantity, shipment.OrderGuid,
                    $"{shipment.ShipmentGuid}:reship:{line.LineNo}", ct);
                lines.Add(new ShipmentLine(line.LineNo, line.VariantGuid, line.Quantity) { Reship = true, HoldGuid = hold.HoldGuid, HoldRevision = hold.Revision });
            }
        }
        catch (ServiceRefusedException refused)
        {
            foreach (var done in lines)
            {
                if (await changes.Sources.HoldAsync(orgcode, done.HoldGuid!, ct) is { Status: "active" } hold)
                {
                    await changes.Sources.ReleaseAsync(orgcode, hold, "reship_failed", $"{shipment.ShipmentGuid}:reship:{done.LineNo}:undo", ct);
                }
            }
            return FulfilmentProblems.Refused(refused);
        }
        var reship = new Shipment
        {
            ShipmentGuid = reshipGuid,
            OrderGuid = shipment.OrderGuid,
            OrderNumber = shipment.OrderNumber,
            ChannelCode = shipment.ChannelCode,
            FacilityCode = shipment.FacilityCode,
            Method = shipment.Method,
            Lines = lines,
            ReshipOf = shipment.ShipmentGuid,
            CreatedBy = context.RequirePrincipal().Id,
            Note = RequestRules.Trimmed(request.Note),
        };
        return await RaiseAsync(changes, context, orgcode, loaded, shipment with { ReshippedAs = reshipGuid }, ExceptionKind.CarrierFailure,
            shipment.Lines.Select(l => new ExceptionLine(l.LineNo, l.Quantity)).ToList(), request.Note, "reshipped", reshipGuid, null, ct,
            batch => changes.Shipments.Create(batch, orgcode, reship, [ShipmentEvent.Of(ScmEvents.ShipmentCreated, orgcode, reship, 1)]));
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Partial(PartialRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadBeforeShippingAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var keep = new Dictionary<int, long>();
        foreach (var asked in request.Lines!)
        {
            var lineNo = asked.LineNo!.Value;
            if (shipment.Lines.FirstOrDefault(l => l.LineNo == lineNo) is not { } line)
            {
                return ScmProblems.UnknownReference("lines.line_no", $"The shipment has no line {lineNo}.");
            }
            if (asked.Quantity >= line.Quantity)
            {
                return ScmProblems.LineNotShippable("nothing_short", "Nothing is left out.", lineNo, $"Line {lineNo}: {asked.Quantity} of {line.Quantity} ships.");
            }
            keep[lineNo] = asked.Quantity!.Value;
        }
        var lines = ShipmentRules.Reduced(shipment.Lines, keep, countShort: false);
        if (lines.Count == 0)
        {
            return ApiProblem.Business("shipment_empty", "Nothing would ship.", "A partial shipment ships something; cancel the shipment instead.");
        }
        return await RaiseAsync(changes, context, orgcode, loaded, shipment with { Lines = lines }, ExceptionKind.Partial,
            keep.Select(k => new ExceptionLine(k.Key, shipment.Lines.First(l => l.LineNo == k.Key).Quantity - k.Value)).ToList(), request.Note, "reduced",
            null, null, ct);
    }

    public static async Task<Results<Ok<ShipmentException>, ProblemHttpResult>> Resolve(ExceptionResolveRequest request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await changes.Exceptions.LoadForChangeAsync(orgcode, ShipmentRequestRules.Guid(request.ExceptionGuid), request.ExpectedRevision,
            ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var exception = loaded!.Record;
        if (ShipmentException.Lifecycle.Check(exception.Status, ExceptionStatus.Resolved) is { } refused)
        {
            return refused;
        }
        var resolved = exception with
        {
            Status = ExceptionStatus.Resolved,
            Resolution = request.Resolution!.Trim(),
            ResolvedBy = context.RequirePrincipal().Id,
            ResolvedAt = changes.Now,
        };
        for (var attempt = 0; ; attempt++)
        {
            if (await changes.Shipments.GetAsync(orgcode, exception.ShipmentGuid, ct: ct) is not { } shipment)
            {
                return ScmProblems.UnknownReference("shipment_guid", $"Shipment {exception.ShipmentGuid} does not exist.");
            }
            var batch = new RecordBatch();
            var staged = changes.Exceptions.Update(batch, orgcode, loaded, resolved, "status_changed");
            var next = shipment.Record with { OpenExceptions = Math.Max(0, shipment.Record.OpenExceptions - 1) };
            changes.Shipments.Update(batch, orgcode, shipment, next, "updated",
                [ShipmentEvent.Of(ScmEvents.ShipmentUpdated, orgcode, next, shipment.Record.Revision + 1, staged)]);
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(staged);
            }
            if (write.Entity != Shipment.Type.Entity || attempt == 2)
            {
                return write.Problem();
            }
        }
    }

    public static async Task<Results<Ok<ShipmentException>, ProblemHttpResult>> Get(ExceptionKey request, RecordStore<ShipmentException> exceptions,
        RequestContext context, CancellationToken ct) =>
        await exceptions.GetAsync(context.RequireOrgcode(), ShipmentRequestRules.Guid(request.ExceptionGuid), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such exception.");

    public static async Task<Ok<Page<ShipmentException>>> List(ExceptionListRequest request, RecordStore<ShipmentException> exceptions,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.ShipmentGuid is { } shipment)
        {
            filters.Add(StateFilter.Eq("shipment_guid", ShipmentRequestRules.Guid(shipment)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await exceptions.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Order>, ProblemHttpResult>> Substitute(SubstitutionApplyRequest request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await changes.Orders.LoadForChangeAsync(orgcode, ShipmentRequestRules.Guid(request.OrderGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var order = loaded!.Record;
        if (!ShipmentRules.IsOpen(order))
        {
            return ScmProblems.OrderNotOpen(Retail.Shared.Json.SnakeCase.Name(order.Status));
        }
        var lineNo = request.LineNo!.Value;
        if (order.Line(lineNo) is not { } line)
        {
            return ScmProblems.UnknownReference("line_no", $"The order has no line {lineNo}.");
        }
        var onShipments = ShipmentRules.OnOpenShipments(await ShipmentsApi.OpenShipmentsAsync(changes.Shipments, orgcode, order.OrderGuid, ct));
        if (line.Shipped > 0 || line.Status == OrderLineStatus.Cancelled || onShipments.ContainsKey(lineNo))
        {
            return ScmProblems.LineNotShippable("line_not_substitutable", "The line cannot be substituted.", lineNo,
                $"Line {lineNo} has shipped, is cancelled, or is on an open shipment (cancel that shipment first).");
        }
        var substitute = ShipmentRequestRules.Guid(request.VariantGuid);
        try
        {
            var alternative = (await changes.Sources.AlternativesAsync(orgcode, line.VariantGuid, ct))
                .FirstOrDefault(a => a.ToVariantGuid == substitute && a.Status == "active" && a.Kind == "alternative");
            if (alternative is null)
            {
                return ScmProblems.NotAnAlternative($"Variant {substitute} is not an active alternative of {line.VariantGuid} in PVM.");
            }
            var price = (await changes.Sources.PriceAsync(orgcode, order, substitute, line.Quantity, line.UomCode, ct)).Lines.FirstOrDefault();
            if (price is not { Priced: true, UnitMinor: { } unit })
            {
                return ScmProblems.Unpriced($"The substitute has no price in channel '{order.ChannelCode}'.",
                    [new { line_no = lineNo, variant_guid = substitute, reason = price?.Reason }]);
            }
            if (unit > line.UnitMinor)
            {
                return ScmProblems.SubstitutePriceHigher(line.UnitMinor, unit);
            }
            var (hold, noHold) = await changes.CommittedHoldAsync(orgcode, line, ct);
            if (hold is null)
            {
                return noHold!;
            }
            // The substitute is committed first, so a facility without it refuses before the line's own stock is let go.
            var key = $"{order.OrderGuid}:r{order.Revision}:substitute:{lineNo}";
            var committed = await changes.Sources.CommitAsync(orgcode, hold.FacilityCode, substitute, hold.Quantity, order.OrderGuid, $"{key}:commit", ct);
            await changes.Sources.ReleaseAsync(orgcode, hold, "substituted", $"{key}:release", ct);
            var variant = await changes.Sources.VariantAsync(orgcode, substitute, ct);
            var next = order with
            {
                Lines = order.Lines.Select(l => l.LineNo != lineNo ? l : l with
                {
                    VariantGuid = substitute,
                    VariantCode = variant?.VariantCode ?? alternative.ToVariantCode,
                    StyleGuid = variant?.StyleGuid ?? l.StyleGuid,
                    SubstitutedFrom = l.SubstitutedFrom ?? l.VariantGuid,
                    Hold = ShipmentRules.ToLineHold(committed),
                }).ToList(),
                Note = RequestRules.Trimmed(request.Note) ?? order.Note,
            };
            return (await changes.Orders.UpdateAsync(orgcode, loaded, next, "updated", ct: ct)).ToOk();
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
    }

    private static async Task<(Loaded<Shipment>? Loaded, ProblemHttpResult? Problem)> LoadBeforeShippingAsync(ShipmentChanges changes, string orgcode,
        string? shipmentGuid, long? expectedRevision, CancellationToken ct)
    {
        var (loaded, problem) = await ShipmentsApi.LoadAsync(changes, orgcode, shipmentGuid, expectedRevision, null, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        return BeforeShipping.Contains(loaded!.Record.Status) ? (loaded, null)
            : (null, ApiProblem.InvalidTransition(Retail.Shared.Json.SnakeCase.Name(loaded.Record.Status), "exception", BeforeShipping.Select(s => Retail.Shared.Json.SnakeCase.Name(s)).ToList()));
    }

    private static ProblemHttpResult? UnknownLine(Shipment shipment, IEnumerable<int> lineNos) =>
        lineNos.FirstOrDefault(n => shipment.Lines.All(l => l.LineNo != n)) is var unknown and > 0
            ? ScmProblems.UnknownReference("lines.line_no", $"The shipment has no line {unknown}.")
            : null;

    /// <summary>The exception record, the shipment (one more open exception) and the order's change, in one transaction.</summary>
    private static Task<Results<Ok<Shipment>, ProblemHttpResult>> RaiseAsync(ShipmentChanges changes, RequestContext context, string orgcode,
        Loaded<Shipment> loaded, Shipment next, ExceptionKind kind, IReadOnlyList<ExceptionLine> lines, string? note, string? action, string? reshipmentGuid,
        Func<Order, (Order Next, IReadOnlyList<DomainEvent> Events)>? changeOrder, CancellationToken ct, Action<RecordBatch>? more = null)
    {
        var exception = new ShipmentException
        {
            ExceptionGuid = Ids.New(),
            ShipmentGuid = next.ShipmentGuid,
            OrderGuid = next.OrderGuid,
            Kind = kind,
            Lines = lines,
            Note = RequestRules.Trimmed(note),
            Action = action,
            ReshipmentGuid = reshipmentGuid,
            RaisedBy = context.RequirePrincipal().Id,
        };
        return changes.CommitAsync(orgcode, loaded, next with { OpenExceptions = next.OpenExceptions + 1 }, changeOrder,
            (s, revision) => [ShipmentEvent.Of(ScmEvents.ShipmentUpdated, orgcode, s, revision, exception)],
            batch =>
            {
                changes.Exceptions.Create(batch, orgcode, exception);
                more?.Invoke(batch);
            }, ct);
    }
}
