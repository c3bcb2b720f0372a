using Retail.Scm.Policies;
using Retail.Scm.Sources;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders;

/// <summary>A promise quote: each open line's facility and availability, and when the channel promises to ship.</summary>
public sealed record PromiseQuote(Order Order, DateTimeOffset ShipBy, IReadOnlyList<PromiseLine> Lines);

/// <summary>
/// The delivery promise of an order over its ICS holds: quote (routing + availability, no stock moved), reserve (the
/// place step's holds for lines holding nothing, e.g. after a release or an expiry), allocate and commit (every line's
/// hold continued in one ICS call), release (every hold given back, lines open again). Each step saves the order with
/// its <c>promise.*</c> event in one batch.
/// </summary>
public sealed class OrderPromises(
    RecordStore<Order> orders,
    OrderLifecycle lifecycle,
    OrderHolds holds,
    IOrderRouter router,
    ScmSources sources,
    RequestContext context,
    TimeProvider clock)
{
    /// <summary>The statuses whose stock may still be promised, reserved or released.</summary>
    private static readonly OrderStatus[] Open = [OrderStatus.Created, OrderStatus.Placed];

    public async Task<Results<Ok<PromiseQuote>, ProblemHttpResult>> QuoteAsync(OrderChangeRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(orgcode, request, Open, "quoted", ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var open = current.Lines.Where(l => l.Status != OrderLineStatus.Cancelled && l.OpenQuantity > 0).ToList();
        if (open.Count == 0)
        {
            return ScmProblems.NothingToDo($"Order {current.OrderNumber} has no open line to promise.");
        }
        var facilities = open.Where(l => l.FacilityCode is not null).ToDictionary(l => l.LineNo, l => l.FacilityCode!);
        var unrouted = open.Where(l => l.FacilityCode is null).ToList();
        string? planGuid = null;
        if (unrouted.Count > 0)
        {
            var route = await router.RouteAsync(orgcode, new RouteInput(current.ChannelCode, current.FacilityCode, current.Delivery.PickupFacilityCode,
                current.Delivery.Address?.Country, unrouted.Select(l => new RouteLineInput(l.LineNo, l.VariantGuid, l.OpenQuantity)).ToList(),
                current.OrderGuid), ct);
            var missing = unrouted.Where(l => route is null || !route.FacilityByLine.ContainsKey(l.LineNo)).Select(l => l.LineNo).ToList();
            if (missing.Count > 0)
            {
                return ScmProblems.NoFacility(missing);
            }
            foreach (var (lineNo, facility) in route!.FacilityByLine)
            {
                facilities[lineNo] = Codes.Normalize(facility);
            }
            planGuid = route.PlanGuid;
        }
        var positions = await PositionsAsync(orgcode, open.Select(l => (facilities[l.LineNo], l.VariantGuid)).Distinct().ToList(), ct);
        var policy = await lifecycle.PolicyOfAsync(orgcode, current.ChannelCode, ct);
        var shipBy = clock.GetUtcNow().AddHours(policy.SlaHours);
        // Lines of one variant at one facility share what is available, in line order.
        var left = positions.ToDictionary(p => p.Key, p => p.Value);
        var lines = new List<PromiseLine>(open.Count);
        foreach (var line in open)
        {
            var key = (facilities[line.LineNo], line.VariantGuid);
            var held = line.Hold is not null;
            var promisable = held || left[key] >= line.OpenQuantity;
            if (!held && promisable)
            {
                left[key] -= line.OpenQuantity;
            }
            lines.Add(new PromiseLine(line.LineNo, line.VariantGuid, line.OpenQuantity, key.Item1, line.Hold?.HoldGuid, line.Hold?.Stage, positions[key],
                promisable));
        }
        var next = current with
        {
            Lines = current.Lines.Select(l => facilities.TryGetValue(l.LineNo, out var f) && l.Hold is null ? l with { FacilityCode = f } : l).ToList(),
            PromisedShipBy = shipBy,
            RoutingPlanGuid = planGuid ?? current.RoutingPlanGuid,
            Revision = current.Revision + 1,
        };
        var write = await orders.UpdateAsync(orgcode, loaded, next, "updated", [OrderEvents.Quoted(orgcode, next, lines)], ct);
        return write.Succeeded ? TypedResults.Ok(new PromiseQuote(write.Record!, shipBy, lines)) : write.Problem();
    }

    /// <summary>Reserves every open line that holds nothing, in one ICS call (all or none); the order keeps its status.</summary>
    public async Task<Results<Ok<Order>, ProblemHttpResult>> ReserveAsync(OrderChangeRequest request, string? clientKey, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(orgcode, request, Open, "reserved", ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (OrderRules.ToReserve(current).Count == 0)
        {
            return ScmProblems.NothingToDo($"Every open line of order {current.OrderNumber} already holds its stock.");
        }
        var policy = await lifecycle.PolicyOfAsync(orgcode, current.ChannelCode, ct);
        var (reserved, noStock) = await lifecycle.ReserveAsync(orgcode, current, policy, "reserve", clientKey, ct);
        if (noStock is not null)
        {
            return noStock;
        }
        var next = reserved!.Order with
        {
            PromisedShipBy = current.PromisedShipBy ?? clock.GetUtcNow().AddHours(policy.SlaHours),
            Revision = current.Revision + 1,
        };
        return await lifecycle.SaveOrCompensateAsync(orgcode, loaded, next, "updated",
            [OrderEvents.Promise(ScmEvents.PromiseReserved, orgcode, next, reserved.LineNos)], reserved, ct);
    }

    public Task<Results<Ok<Order>, ProblemHttpResult>> AllocateAsync(OrderChangeRequest request, CancellationToken ct) =>
        ContinueAsync(request, OrderLineStatus.Allocated, "allocated", ScmEvents.PromiseAllocated, ct);

    public Task<Results<Ok<Order>, ProblemHttpResult>> CommitAsync(OrderChangeRequest request, CancellationToken ct) =>
        ContinueAsync(request, OrderLineStatus.Committed, "committed", ScmEvents.PromiseCommitted, ct);

    /// <summary>Releases every hold of the order in one ICS call; the lines are open again (and may be reserved again).</summary>
    public async Task<Results<Ok<Order>, ProblemHttpResult>> ReleaseAsync(OrderChangeRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(orgcode, request, Open, "released", ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var held = OrderRules.Held(current);
        if (held.Count == 0)
        {
            return ScmProblems.NothingToDo($"Order {current.OrderNumber} holds no stock.");
        }
        var released = await holds.ReleaseAsync(orgcode, held.Select(l => new HoldRelease(l.Hold!.HoldGuid, l.Hold.Revision)).ToList(), "promise released",
            $"{current.OrderGuid}:release:{current.Revision}", ct);
        if (released.Problem is not null)
        {
            return released.Problem;
        }
        var lineNos = held.Select(l => l.LineNo).ToList();
        return await SaveMergedAsync(orgcode, loaded, held,
            order => order with { Lines = OrderRules.WithReleased(order, lineNos) },
            next => [OrderEvents.Promise(ScmEvents.PromiseReleased, orgcode, next, lineNos)], ct);
    }

    /// <summary>
    /// Continues the hold of every line before <paramref name="stage"/> in one ICS call. Every open line must hold stock
    /// (422 <c>not_reserved</c> names those that do not).
    /// </summary>
    private async Task<Results<Ok<Order>, ProblemHttpResult>> ContinueAsync(OrderChangeRequest request, OrderLineStatus stage, string stageName,
        string eventType, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadAsync(orgcode, request, [OrderStatus.Placed], stageName, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var unheld = OrderRules.ToReserve(current).Select(l => l.LineNo).ToList();
        if (unheld.Count > 0)
        {
            return ScmProblems.NotReserved(unheld);
        }
        var lines = OrderRules.ToContinue(current, stage);
        if (lines.Count == 0)
        {
            return ScmProblems.NothingToDo($"Every held line of order {current.OrderNumber} is already {stageName} or further.");
        }
        var step = stage == OrderLineStatus.Allocated ? "allocate" : "commit";
        var continued = await holds.ContinueAsync(orgcode, lines, stageName, null, $"{current.OrderGuid}:{step}:{current.Revision}", ct);
        if (continued.Problem is not null)
        {
            return continued.Problem;
        }
        var lineNos = lines.Select(l => l.LineNo).ToList();
        return await SaveMergedAsync(orgcode, loaded, lines,
            order => order with { Lines = OrderRules.WithContinued(order, lines, continued.Holds!) },
            next => [OrderEvents.Promise(eventType, orgcode, next, lineNos)], ct);
    }

    /// <summary>
    /// Saves what ICS already did. If another change of the order won the ETag race meanwhile (a payment, a note), the
    /// change is applied again to the order as it now stands — as long as the lines still name the holds ICS changed;
    /// otherwise 409 <c>revision_mismatch</c>.
    /// </summary>
    private async Task<Results<Ok<Order>, ProblemHttpResult>> SaveMergedAsync(string orgcode, Loaded<Order> loaded, IReadOnlyList<OrderLine> changed,
        Func<Order, Order> apply, Func<Order, IEnumerable<DomainEvent>> events, CancellationToken ct)
    {
        var current = loaded;
        for (var attempt = 1; ; attempt++)
        {
            var next = apply(current.Record) with { Revision = current.Record.Revision + 1 };
            var write = await orders.UpdateAsync(orgcode, current, next, "updated", events(next), ct);
            if (write.Succeeded || attempt == 3)
            {
                return write.ToOk();
            }
            var fresh = await orders.GetAsync(orgcode, next.OrderGuid, ct: ct);
            if (fresh is null || changed.Any(l => fresh.Record.Line(l.LineNo)?.Hold?.HoldGuid != l.Hold?.HoldGuid))
            {
                return write.Problem();
            }
            current = fresh;
        }
    }

    private async Task<(Loaded<Order>? Loaded, ProblemHttpResult? Problem)> LoadAsync(string orgcode, OrderChangeRequest request,
        IReadOnlyCollection<OrderStatus> allowed, string step, CancellationToken ct)
    {
        var (loaded, problem) = await orders.LoadForChangeAsync(orgcode, OrderLifecycle.Key(request.OrderGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        var status = loaded!.Record.Status;
        return allowed.Contains(status)
            ? (loaded, null)
            : (null, ApiProblem.Create(StatusCodes.Status409Conflict, ProblemCodes.InvalidTransition, "Transition not allowed.",
                $"The promise of a {Retail.Shared.Json.SnakeCase.Name(status)} order cannot be {step}.",
                [new("from", Retail.Shared.Json.SnakeCase.Name(status)), new("to", step),
                    new("allowed", allowed.Select(s => Retail.Shared.Json.SnakeCase.Name(s)).ToList())]));
    }

    /// <summary>ICS's positions of these facility × variant pairs (read concurrently; a pair without stock reads 0).</summary>
    private async Task<IReadOnlyDictionary<(string Facility, string Variant), long>> PositionsAsync(string orgcode,
        IReadOnlyList<(string Facility, string Variant)> pairs, CancellationToken ct)
    {
        var read = await Task.WhenAll(pairs.Select(async p =>
        {
            try
            {
                var position = await sources.Invoker.SendAsync<IcsPosition>(ScmSources.Ics, "/stock/get",
                    new { facility_code = p.Facility, variant_guid = p.Variant }, new InvocationOptions(orgcode), ct);
                return (p, position.Available);
            }
            catch (ServiceRefusedException)
            {
                return (p, 0L); // ICS does not know the variant or facility: nothing available there
            }
        }));
        return read.ToDictionary(r => r.p, r => Math.Max(0, r.Item2));
    }
}
