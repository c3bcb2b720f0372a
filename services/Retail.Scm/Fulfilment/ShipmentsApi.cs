using Retail.Scm.Orders;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Scm.Fulfilment;

/// <summary>
/// Shipments (UC-SCM-002): made from an order's committed lines at one facility, then picked, packed, shipped (the
/// commitment leaves the facility in ICS; the order's lines and status follow in the shipment's transaction) and
/// delivered; or, for a pickup, made ready, then collected or recorded as a no-show after the grace period.
/// </summary>
public static class ShipmentsApi
{
    public static IEndpointRouteBuilder MapShipments(this IEndpointRouteBuilder routes)
    {
        var shipments = routes.MapGroup("/fulfillment/shipment").WithTags("Fulfilment");
        shipments.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Make a shipment from an order's committed lines (all that is open, or the lines and quantities named) at one facility.");
        shipments.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A shipment by shipment_guid.");
        shipments.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Shipments of an order, by status, or by facility (and status).");
        shipments.MapPost("/pick", Pick).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record the shipment picked (in ICS against the commitment where bins are named); a short pick is an exception.");
        shipments.MapPost("/pack", Pack).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record the shipment packed: a package reference and weight (a pack record per line in ICS).");
        shipments.MapPost("/ship", Ship).RequireRole(Role.Member).AsWrite()
            .WithSummary("Ship with a carrier and tracking: the committed stock leaves the facility (ICS) and the order's lines count it, in one change.");
        shipments.MapPost("/deliver", Deliver).RequireRole(Role.Member).AsWrite()
            .WithSummary("Record a shipped shipment delivered; the order's lines count it.");
        shipments.MapPost("/cancel", Cancel).RequireRole(Role.Member).AsWrite()
            .WithSummary("Cancel a shipment before it ships; the order keeps its commitments.");
        var pickup = shipments.MapGroup("/pickup");
        pickup.MapPost("/ready", PickupReady).RequireRole(Role.Member).AsWrite()
            .WithSummary("A pickup is ready at the facility; the buyer has the grace period (Scm:Fulfilment:PickupGracePeriod) to collect it.");
        pickup.MapPost("/complete", PickupComplete).RequireRole(Role.Member).AsWrite()
            .WithSummary("The buyer collected the pickup: shipped and delivered at the counter, in one change.");
        pickup.MapPost("/no_show", PickupNoShow).RequireRole(Role.Member).AsWrite()
            .WithSummary("After the grace period, the buyer did not come: the commitment goes back to available and the lines' quantities are cancelled.");
        return routes;
    }

    public static async Task<Results<Created<Shipment>, ProblemHttpResult>> Create(ShipmentCreateRequest request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var orderGuid = ShipmentRequestRules.Guid(request.OrderGuid);
        if (await changes.Orders.GetAsync(orgcode, orderGuid, ct: ct) is not { } loaded)
        {
            return ScmProblems.UnknownReference("order_guid", $"No order {orderGuid} in this org.");
        }
        var order = loaded.Record;
        var onShipments = ShipmentRules.OnOpenShipments(await OpenShipmentsAsync(changes.Shipments, orgcode, order.OrderGuid, ct));
        var asked = request.Lines?.Select(l => (l.LineNo!.Value, l.Quantity)).ToList();
        var facility = request.FacilityCode is null ? null : Codes.Normalize(request.FacilityCode);
        var (lines, at, problem) = ShipmentRules.Select(order, asked, onShipments, facility);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = new Shipment
        {
            ShipmentGuid = Ids.New(),
            OrderGuid = order.OrderGuid,
            OrderNumber = order.OrderNumber,
            ChannelCode = order.ChannelCode,
            FacilityCode = at!,
            Method = order.Delivery.Method,
            Lines = lines,
            CreatedBy = context.RequirePrincipal().Id,
            Note = RequestRules.Trimmed(request.Note),
        };
        return (await changes.Shipments.CreateAsync(orgcode, shipment, [ShipmentEvent.Of(ScmEvents.ShipmentCreated, orgcode, shipment, 1)], ct))
            .ToCreated();
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Get(ShipmentKey request, RecordStore<Shipment> shipments, RequestContext context,
        CancellationToken ct) =>
        await shipments.GetAsync(context.RequireOrgcode(), ShipmentRequestRules.Guid(request.ShipmentGuid), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such shipment.");

    public static async Task<Ok<Page<Shipment>>> List(ShipmentListRequest request, RecordStore<Shipment> shipments, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.OrderGuid is { } order)
        {
            filters.Add(StateFilter.Eq("order_guid", ShipmentRequestRules.Guid(order)));
        }
        if (request.FacilityCode is { } facility)
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(facility)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await shipments.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Pick(ShipmentPickRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Picked, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var bins = (request.Lines ?? []).ToDictionary(l => l.LineNo!.Value);
        if (bins.Keys.FirstOrDefault(n => shipment.Lines.All(l => l.LineNo != n)) is var unknown and > 0)
        {
            return ScmProblems.UnknownReference("lines.line_no", $"The shipment has no line {unknown}.");
        }
        try
        {
            if (bins.Count > 0)
            {
                var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
                if (order is null)
                {
                    return noOrder!;
                }
                foreach (var line in shipment.Lines.Where(l => bins.ContainsKey(l.LineNo)))
                {
                    var holdGuid = line.HoldGuid ?? order.Record.Line(line.LineNo)?.Hold?.HoldGuid;
                    if (holdGuid is null)
                    {
                        return ScmProblems.LineNotShippable("line_not_committed", "The line's stock is not committed.", line.LineNo,
                            $"Line {line.LineNo} has no committed stock.");
                    }
                    // The bins are in the key: ICS keeps a refusal under its key, and another bin is another attempt.
                    var (from, to) = (Codes.Normalize(bins[line.LineNo].FromBin), bins[line.LineNo].ToBin is { } toBin ? Codes.Normalize(toBin) : null);
                    await changes.Sources.PickAsync(orgcode, shipment.FacilityCode, holdGuid, line.VariantGuid, line.Quantity, from, to,
                        $"{shipment.ShipmentGuid}:pick:{line.LineNo}:{from}:{to}", ct);
                }
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        var next = shipment with
        {
            Status = ShipmentStatus.Picked,
            Lines = shipment.Lines.Select(l => l with
            {
                Picked = l.Quantity,
                Bin = bins.TryGetValue(l.LineNo, out var bin) && bin.ToBin is { } staged ? Codes.Normalize(staged) : null,
            }).ToList(),
            PickedAt = changes.Now,
        };
        return await changes.CommitAsync(orgcode, loaded, next, null, Updated(orgcode), null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Pack(ShipmentPackRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Packed, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var packageRef = request.PackageRef!.Trim();
        try
        {
            var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
            if (order is null)
            {
                return noOrder!;
            }
            foreach (var line in shipment.Lines)
            {
                var holdGuid = line.HoldGuid ?? order.Record.Line(line.LineNo)?.Hold?.HoldGuid;
                if (holdGuid is null)
                {
                    return ScmProblems.LineNotShippable("line_not_committed", "The line's stock is not committed.", line.LineNo,
                        $"Line {line.LineNo} has no committed stock.");
                }
                await changes.Sources.PackAsync(orgcode, shipment.FacilityCode, holdGuid, packageRef, line.VariantGuid, line.Quantity,
                    $"{shipment.ShipmentGuid}:pack:{line.LineNo}", ct);
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        var next = shipment with { Status = ShipmentStatus.Packed, PackageRef = packageRef, WeightGrams = request.WeightGrams, PackedAt = changes.Now };
        return await changes.CommitAsync(orgcode, loaded, next, null, Updated(orgcode), null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Ship(ShipmentShipRequest request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Shipped, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        if (shipment.Method != DeliveryMethod.Ship)
        {
            return ScmProblems.WrongDeliveryMethod("A pickup is collected (pickup/complete), not shipped.");
        }
        var (carrier, tracking) = (RequestRules.Trimmed(request.Carrier), RequestRules.Trimmed(request.Tracking));
        return await LeaveAsync(changes, orgcode, loaded, shipment with
        {
            Status = ShipmentStatus.Shipped,
            Carrier = carrier,
            Tracking = tracking,
            ShippedAt = changes.Now,
        }, delivered: false, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Deliver(ShipmentChange request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Delivered, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        var next = shipment with { Status = ShipmentStatus.Delivered, DeliveredAt = changes.Now, Note = RequestRules.Trimmed(request.Note) ?? shipment.Note };
        return await changes.CommitAsync(orgcode, loaded, next, order => (ShipmentRules.Delivered(order, shipment.Lines), []),
            (s, revision) => [ShipmentEvent.Of(ScmEvents.Delivered, orgcode, s, revision)], null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Cancel(ShipmentChange request, ShipmentChanges changes, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Cancelled, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        // The order keeps its commitments: the lines are open again for another shipment. A reship's own holds go back.
        try
        {
            foreach (var line in shipment.Lines.Where(l => l.HoldGuid is not null))
            {
                if (await changes.Sources.HoldAsync(orgcode, line.HoldGuid!, ct) is { Status: "active" } own)
                {
                    await changes.Sources.ReleaseAsync(orgcode, own, "shipment_cancelled", $"{shipment.ShipmentGuid}:cancel:{line.LineNo}", ct);
                }
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        var next = shipment with { Status = ShipmentStatus.Cancelled, CancelledAt = changes.Now, StatusReason = RequestRules.Trimmed(request.Note) };
        return await changes.CommitAsync(orgcode, loaded, next, null,
            (s, revision) => [ShipmentEvent.Of(ScmEvents.ShipmentCancelled, orgcode, s, revision)], null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> PickupReady(ShipmentChange request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.ReadyForPickup, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        if (shipment.Method != DeliveryMethod.Pickup)
        {
            return ScmProblems.WrongDeliveryMethod("Only a pickup order's shipment is made ready for pickup.");
        }
        var now = changes.Now;
        var next = shipment with
        {
            Status = ShipmentStatus.ReadyForPickup,
            ReadyAt = now,
            PickupDeadline = now + changes.PickupGracePeriod,
            Lines = shipment.Lines.Select(l => l with { Picked = l.Quantity }).ToList(),
        };
        return await changes.CommitAsync(orgcode, loaded, next, null, Updated(orgcode), null, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> PickupComplete(ShipmentChange request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.Collected, ct);
        if (problem is not null)
        {
            return problem;
        }
        var now = changes.Now;
        return await LeaveAsync(changes, orgcode, loaded!, loaded!.Record with
        {
            Status = ShipmentStatus.Collected,
            ShippedAt = now,
            DeliveredAt = now,
            CollectedAt = now,
        }, delivered: true, ct);
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> PickupNoShow(ShipmentChange request, ShipmentChanges changes,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(changes, orgcode, request.ShipmentGuid, request.ExpectedRevision, ShipmentStatus.NoShow, ct);
        if (problem is not null)
        {
            return problem;
        }
        var shipment = loaded!.Record;
        if (shipment.PickupDeadline is { } deadline && changes.Now < deadline)
        {
            return ScmProblems.PickupNotDue(deadline);
        }
        var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
        if (order is null)
        {
            return noOrder!;
        }
        // What the buyer did not collect goes back to available; the rest of each line (on no shipment) stays committed.
        var left = new Dictionary<int, LineHold?>();
        try
        {
            foreach (var line in shipment.Lines)
            {
                var key = $"{shipment.ShipmentGuid}:no_show:{line.LineNo}";
                if (line.HoldGuid is { } own)
                {
                    if (await changes.Sources.HoldAsync(orgcode, own, ct) is { Status: "active" } ownHold)
                    {
                        await changes.Sources.ReleaseAsync(orgcode, ownHold, "no_show", key, ct);
                    }
                    continue;
                }
                var (hold, noHold) = await changes.CommittedHoldAsync(orgcode, order.Record.Line(line.LineNo)!, ct);
                if (hold is null)
                {
                    return noHold!;
                }
                if (line.Quantity >= hold.Quantity)
                {
                    await changes.Sources.ReleaseAsync(orgcode, hold, "no_show", key, ct);
                    left[line.LineNo] = null;
                }
                else
                {
                    left[line.LineNo] = ShipmentRules.ToLineHold(await changes.Sources.ReleasePartAsync(orgcode, hold, line.Quantity, "no_show", key, ct));
                }
            }
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        var next = shipment with { Status = ShipmentStatus.NoShow, StatusReason = RequestRules.Trimmed(request.Note) ?? "no_show" };
        return await changes.CommitAsync(orgcode, loaded!, next, current =>
        {
            var after = current;
            var events = new List<DomainEvent>();
            foreach (var line in shipment.Lines.Where(l => !l.Reship))
            {
                after = ShipmentRules.CancelQuantity(after, line.LineNo, line.Quantity, left.GetValueOrDefault(line.LineNo));
                events.Add(new DomainEvent(ScmEvents.OrderLineCancelled, new OrderLineCancelledEvent(orgcode, current.OrderGuid, current.OrderNumber,
                    line.LineNo, line.VariantGuid, line.Quantity, "no_show"), current.OrderGuid));
            }
            if (after.Status == OrderStatus.Cancelled && current.Status != OrderStatus.Cancelled)
            {
                events.Add(new DomainEvent(ScmEvents.OrderCancelled, new { orgcode, order_guid = current.OrderGuid, order_number = current.OrderNumber,
                    reason = "no_show" }, current.OrderGuid));
            }
            events.AddRange(ShipmentChanges.FulfilledEvents(orgcode, current, after));
            return (after with { StatusReason = after.Status == OrderStatus.Cancelled ? "no_show" : after.StatusReason }, events);
        }, Updated(orgcode), null, ct);
    }

    /// <summary>Ship or collect: the capture check, the stock out of ICS, then the shipment and its order in one change.</summary>
    private static async Task<Results<Ok<Shipment>, ProblemHttpResult>> LeaveAsync(ShipmentChanges changes, string orgcode, Loaded<Shipment> loaded,
        Shipment next, bool delivered, CancellationToken ct)
    {
        var shipment = loaded.Record;
        var (order, noOrder) = await changes.OrderOfAsync(orgcode, shipment, ct);
        if (order is null)
        {
            return noOrder!;
        }
        var policy = await changes.Sources.PolicyAsync(orgcode, order.Record.ChannelCode, ct);
        if (ShipmentRules.CaptureProblem(order.Record, policy.CaptureBeforeShipment) is { } notCaptured)
        {
            return notCaptured;
        }
        IReadOnlyDictionary<int, LineHold?> holds;
        try
        {
            var (left, problem) = await changes.ShipLinesAsync(orgcode, shipment, order.Record, next.Carrier, next.Tracking, ct);
            if (left is null)
            {
                return problem!;
            }
            holds = left;
        }
        catch (ServiceRefusedException refused)
        {
            return FulfilmentProblems.Refused(refused);
        }
        return await changes.CommitAsync(orgcode, loaded, next, current => ShipmentChanges.AfterShipping(orgcode, current, shipment, holds, delivered),
            (s, revision) => delivered
                ? [ShipmentEvent.Of(ScmEvents.ShipmentUpdated, orgcode, s, revision), ShipmentEvent.Of(ScmEvents.Delivered, orgcode, s, revision)]
                : [ShipmentEvent.Of(ScmEvents.ShipmentUpdated, orgcode, s, revision)], null, ct);
    }

    /// <summary>The shipment a change starts from (revision checked) whose status may move to <paramref name="to"/>.</summary>
    internal static async Task<(Loaded<Shipment>? Loaded, ProblemHttpResult? Problem)> LoadAsync(ShipmentChanges changes, string orgcode, string? shipmentGuid,
        long? expectedRevision, ShipmentStatus? to, CancellationToken ct)
    {
        var (loaded, problem) = await changes.Shipments.LoadForChangeAsync(orgcode, ShipmentRequestRules.Guid(shipmentGuid), expectedRevision, ct: ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        if (to is { } status && Shipment.Lifecycle.Check(loaded!.Record.Status, status) is { } refused)
        {
            return (null, refused);
        }
        return (loaded, null);
    }

    internal static Func<Shipment, long, IReadOnlyList<DomainEvent>> Updated(string orgcode) =>
        (s, revision) => [ShipmentEvent.Of(ScmEvents.ShipmentUpdated, orgcode, s, revision)];

    /// <summary>The order's open shipments (an order has a handful; one page of the order's index).</summary>
    internal static async Task<IReadOnlyList<Shipment>> OpenShipmentsAsync(RecordStore<Shipment> shipments, string orgcode, string orderGuid,
        CancellationToken ct) =>
        (await shipments.ListAsync(orgcode, [StateFilter.Eq("order_guid", orderGuid)], Paging.MaxLimit, ct: ct)).Items.Where(s => s.IsOpen).ToList();
}
