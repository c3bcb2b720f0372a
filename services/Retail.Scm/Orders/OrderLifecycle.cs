using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Retail.Scm.Policies;
using Retail.Scm.Sources;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders;

/// <summary>
/// An order from creation to placing and cancelling: each step loads the order (ETag), decides through
/// <see cref="OrderRules"/>, makes at most one call to ICS (<see cref="OrderHolds"/>) and saves the order with its events
/// in one batch. Creating asks PVM (lines named other than by guid), PPM (one resolve for every line) and the tax policy.
/// </summary>
public sealed partial class OrderLifecycle(
    RecordStore<Order> orders,
    RecordStore<ChannelPolicy> channelPolicies,
    RecordStore<CustomerHoldProjection> customerHolds,
    ScmSources sources,
    OrderHolds holds,
    ITaxQuoter taxes,
    IOrderRouter router,
    IOrgDirectory directory,
    RequestContext context,
    TimeProvider clock)
{
    public async Task<Results<Created<Order>, ProblemHttpResult>> CreateAsync(CreateOrderRequest request, CancellationToken ct)
    {
        var (order, problem) = await DraftAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var orgcode = context.RequireOrgcode();
        var write = await orders.CreateAsync(orgcode, order!, [OrderEvents.Changed(ScmEvents.OrderCreated, orgcode, order! with { Revision = 1 })], ct);
        return write.ToCreated();
    }

    /// <summary>
    /// created → placed: every line without a hold is routed and reserved in ONE ICS call (all or none), then the order
    /// records the holds, <c>placed</c>, and <c>order.placed</c> + <c>promise.reserved</c> in one batch. If that save loses
    /// its ETag race, the holds just made are released again.
    /// </summary>
    public async Task<Results<Ok<Order>, ProblemHttpResult>> PlaceAsync(OrderChangeRequest request, string? clientKey, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await orders.LoadForChangeAsync(orgcode, Key(request.OrderGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Order.Lifecycle.Check(current.Status, OrderStatus.Placed) is { } refused)
        {
            return refused;
        }
        // CRM's fraud hold, from SCM's own projection of CRM's hold events: one read, no call to CRM.
        if (current.Customer?.CustomerGuid is { } customerGuid
            && (await customerHolds.GetAsync(orgcode, customerGuid, ct: ct))?.Record.InForce is { } holdGuid)
        {
            return ScmProblems.CustomerOnHold(customerGuid, holdGuid);
        }
        var policy = await PolicyOfAsync(orgcode, current.ChannelCode, ct);
        var now = clock.GetUtcNow();
        var (reserved, noStock) = await ReserveAsync(orgcode, current, policy, "place", clientKey, ct);
        if (noStock is not null)
        {
            return noStock;
        }
        var next = (reserved?.Order ?? current) with
        {
            Status = OrderStatus.Placed,
            PlacedAt = now,
            PromisedShipBy = current.PromisedShipBy ?? now.AddHours(policy.SlaHours),
            Revision = current.Revision + 1,
        };
        List<DomainEvent> events = [OrderEvents.Changed(ScmEvents.OrderPlaced, orgcode, next)];
        if (reserved is not null)
        {
            events.Add(OrderEvents.Promise(ScmEvents.PromiseReserved, orgcode, next, reserved.LineNos));
        }
        return await SaveOrCompensateAsync(orgcode, loaded, next, "status_changed", events, reserved, ct);
    }

    /// <summary>created or placed → cancelled: every hold released in one ICS call, every open line cancelled, <c>order.cancelled</c>.</summary>
    public async Task<Results<Ok<Order>, ProblemHttpResult>> CancelAsync(CancelOrderRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await orders.LoadForChangeAsync(orgcode, Key(request.OrderGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Order.Lifecycle.Check(current.Status, OrderStatus.Cancelled) is { } refused)
        {
            return refused;
        }
        if (current.Lines.Any(l => l.Shipped > 0))
        {
            return ScmProblems.ShippedNotCancellable($"Order {current.OrderNumber} has shipped lines; cancel what is still open line by line.");
        }
        var reason = RequestRules.Trimmed(request.Reason);
        var held = OrderRules.Held(current);
        if (held.Count > 0)
        {
            var released = await holds.ReleaseAsync(orgcode, held.Select(l => new HoldRelease(l.Hold!.HoldGuid, l.Hold.Revision)).ToList(),
                reason ?? "order cancelled", $"{current.OrderGuid}:cancel:{current.Revision}", ct);
            if (released.Problem is not null)
            {
                return released.Problem;
            }
        }
        var lines = current.Lines.Select(l => l.Status == OrderLineStatus.Cancelled ? l
            : l with { Status = OrderLineStatus.Cancelled, CancelledQuantity = l.Quantity - l.Shipped, Hold = null }).ToList();
        var next = current with
        {
            Status = OrderStatus.Cancelled,
            StatusReason = reason,
            CancelledAt = clock.GetUtcNow(),
            Lines = lines,
            Totals = OrderRules.TotalsOf(OrderRules.Billable(lines), current.TaxInclusive),
            Revision = current.Revision + 1,
        };
        // A lost race leaves the holds released: a retry of the cancel finds them ended (skip_ended) and saves.
        return (await orders.UpdateAsync(orgcode, loaded, next, "status_changed", [OrderEvents.Changed(ScmEvents.OrderCancelled, orgcode, next)], ct))
            .ToOk();
    }

    /// <summary>
    /// Cancels a line or part of it: all of it releases its hold; a part releases that much of the hold (ICS keeps the
    /// rest held at its stage, one change). Shipped quantities cannot be cancelled. The last open line cancelled cancels
    /// the order.
    /// </summary>
    public async Task<Results<Ok<Order>, ProblemHttpResult>> CancelLineAsync(CancelLineRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await orders.LoadForChangeAsync(orgcode, Key(request.OrderGuid), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Order.Lifecycle.Check(current.Status, OrderStatus.Cancelled) is { } refused)
        {
            return refused;
        }
        var line = current.Line(request.LineNo!.Value);
        if (line is null)
        {
            return ScmProblems.UnknownReference("line_no", $"Order {current.OrderNumber} has no line {request.LineNo}.");
        }
        if (line.Status == OrderLineStatus.Cancelled)
        {
            return ApiProblem.InvalidTransition("cancelled", "cancelled", []);
        }
        var quantity = request.Quantity ?? line.OpenQuantity;
        if (quantity <= 0 || quantity > line.OpenQuantity)
        {
            return ScmProblems.QuantityExceedsOpen(line, quantity);
        }
        var reason = RequestRules.Trimmed(request.Reason);
        var whole = quantity == line.OpenQuantity;
        var nextHold = line.Hold;
        var nextStatus = line.Status;
        if (line.Hold is not null && OrderRules.Held(current).Contains(line))
        {
            var released = await holds.ReleaseAsync(orgcode, [new HoldRelease(line.Hold.HoldGuid, line.Hold.Revision, whole ? null : quantity)],
                reason ?? "line cancelled", $"{current.OrderGuid}:line:{line.LineNo}:cancel:{current.Revision}", ct);
            if (released.Problem is not null)
            {
                return released.Problem;
            }
            var after = released.Holds![0];
            (nextHold, nextStatus) = after.Status == "active" ? (line.Hold with { Revision = after.Revision }, line.Status) : (null, OrderLineStatus.Open);
        }
        if (whole)
        {
            nextHold = null;
            nextStatus = line.Shipped == 0 ? OrderLineStatus.Cancelled : nextStatus;
        }
        var cancelled = line.CancelledQuantity + quantity;
        var nextLine = line with { CancelledQuantity = cancelled, Hold = nextHold, Status = nextStatus };
        var lines = current.Lines.Select(l => l.LineNo == line.LineNo ? nextLine : l).ToList();
        var allGone = lines.All(l => l.Status == OrderLineStatus.Cancelled);
        var next = current with
        {
            Lines = lines,
            Totals = OrderRules.TotalsOf(OrderRules.Billable(lines), current.TaxInclusive),
            Status = allGone ? OrderStatus.Cancelled : current.Status,
            CancelledAt = allGone ? clock.GetUtcNow() : current.CancelledAt,
            StatusReason = allGone ? reason ?? "every line cancelled" : current.StatusReason,
            Revision = current.Revision + 1,
        };
        List<DomainEvent> events =
        [
            new(ScmEvents.OrderLineCancelled, new OrderLineCancelled(orgcode, next.OrderGuid, next.OrderNumber, next.Revision, line.LineNo, line.VariantGuid,
                quantity, cancelled, nextLine.Status, reason), $"order/{next.OrderGuid}"),
        ];
        if (allGone)
        {
            events.Add(OrderEvents.Changed(ScmEvents.OrderCancelled, orgcode, next));
        }
        return (await orders.UpdateAsync(orgcode, loaded, next, allGone ? "status_changed" : "updated", events, ct)).ToOk();
    }

    /// <summary>
    /// Routes and reserves the order's lines that hold nothing (one ICS call); null when every line already holds its
    /// stock. The ICS Idempotency-Key is <c>{order_guid}:{step}:{revision}</c> plus the client's own key when it sent one,
    /// so a client retrying its request reserves once, while a new attempt after <c>insufficient_stock</c> asks again.
    /// </summary>
    internal async Task<(Reserved? Reserved, ProblemHttpResult? Problem)> ReserveAsync(string orgcode, Order order, ChannelPolicy policy, string step,
        string? clientKey, CancellationToken ct)
    {
        var lines = OrderRules.ToReserve(order);
        if (lines.Count == 0)
        {
            return (null, null);
        }
        var unrouted = lines.Where(l => l.FacilityCode is null).ToList();
        var facilities = lines.Where(l => l.FacilityCode is not null).ToDictionary(l => l.LineNo, l => l.FacilityCode!);
        string? planGuid = null;
        if (unrouted.Count > 0)
        {
            var route = await router.RouteAsync(orgcode, new RouteInput(order.ChannelCode, order.FacilityCode, order.Delivery.PickupFacilityCode,
                order.Delivery.Address?.Country, unrouted.Select(l => new RouteLineInput(l.LineNo, l.VariantGuid, l.OpenQuantity)).ToList(), order.OrderGuid), ct);
            var missing = unrouted.Where(l => route is null || !route.FacilityByLine.ContainsKey(l.LineNo)).Select(l => l.LineNo).ToList();
            if (missing.Count > 0)
            {
                return (null, ScmProblems.NoFacility(missing));
            }
            foreach (var (lineNo, facility) in route!.FacilityByLine)
            {
                facilities[lineNo] = Codes.Normalize(facility);
            }
            planGuid = route.PlanGuid;
        }
        var ttl = Math.Clamp(policy.ReservationTtlSeconds, 10, 604_800);
        var key = $"{order.OrderGuid}:{step}:{order.Revision}" + (clientKey is null ? $":{Ids.NewGuid()}" : $":{Digest(clientKey)}");
        var outcome = await holds.ReserveAsync(orgcode, order, lines, facilities, ttl, key, ct);
        if (outcome.Problem is not null)
        {
            return (null, outcome.Problem);
        }
        var next = order with { Lines = OrderRules.WithHolds(order, outcome.Holds!), RoutingPlanGuid = planGuid ?? order.RoutingPlanGuid };
        return (new Reserved(next, outcome.Holds!, lines.Select(l => l.LineNo).ToList(), key), null);
    }

    /// <summary>
    /// Saves the order; when the save loses (another change won the ETag race) and this request reserved holds, they are
    /// released again (compensation), so a lost race never leaves stock held for nothing.
    /// </summary>
    internal async Task<Results<Ok<Order>, ProblemHttpResult>> SaveOrCompensateAsync(string orgcode, Loaded<Order> loaded, Order next, string op,
        IEnumerable<DomainEvent> events, Reserved? reserved, CancellationToken ct)
    {
        var write = await orders.UpdateAsync(orgcode, loaded, next, op, events, ct);
        if (!write.Succeeded && reserved is not null)
        {
            await holds.ReleaseAsync(orgcode, reserved.Holds.Select(h => new HoldRelease(h.HoldGuid, h.Revision)).ToList(), "order changed meanwhile",
                $"{reserved.Key}:compensate", ct);
        }
        return write.ToOk();
    }

    internal async Task<ChannelPolicy> PolicyOfAsync(string orgcode, string channel, CancellationToken ct) =>
        (await channelPolicies.GetAsync(orgcode, channel, ct: ct))?.Record ?? ChannelPolicy.Default(channel);

    internal static string Key(string? orderGuid) => orderGuid!.Trim().ToLowerInvariant();

    private static string Digest(string clientKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(clientKey)))[..16].ToLowerInvariant();

    private async Task<ProblemHttpResult?> ContextProblemAsync(string orgcode, ContextCodes codes, string field, string detail, CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, codes, ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : ScmProblems.UnknownReference(field, detail);
    }

    /// <summary>
    /// The pickup facility's country, where its tax applies: the logical facility (OFM, active) → its legal entity's
    /// country. A facility without a country in OFM cannot be taxed: 422 <c>unknown_reference</c>.
    /// </summary>
    private async Task<(string? Country, ProblemHttpResult? Problem)> PickupCountryAsync(string orgcode, string facility, CancellationToken ct)
    {
        const string field = "delivery.pickup_facility_code";
        var options = new InvocationOptions(orgcode);
        var logical = await sources.Invoker.GetOrNullAsync<OfmResolvedFacility>(DirectoryPaths.AppId, "/resolve/facility",
            new { facility_code = facility, facility_type = "logical" }, options, ct);
        if (logical is not { Active: true } || logical.Record.GetProperty("legal_facility_code").GetString() is not { } legalCode)
        {
            return (null, ScmProblems.UnknownReference(field, $"No active logical facility '{facility}' in this org."));
        }
        var legal = await sources.Invoker.GetOrNullAsync<OfmResolvedFacility>(DirectoryPaths.AppId, "/resolve/facility",
            new { facility_code = legalCode, facility_type = "legal" }, options, ct);
        var country = legal?.Record.TryGetProperty("country", out var c) == true && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return country is null
            ? (null, ScmProblems.UnknownReference(field, $"The legal entity of facility '{facility}' has no country in OFM; its tax cannot be chosen."))
            : (country.ToUpperInvariant(), null);
    }

    /// <summary>Each line's variant: the guid as given, or what PVM resolves the barcode, identifier, alias or code to (asked together).</summary>
    private async Task<(IReadOnlyList<OrderLine>? Lines, ProblemHttpResult? Problem)> ResolveLinesAsync(string orgcode,
        IReadOnlyList<OrderLineRequest> requested, CancellationToken ct)
    {
        var resolutions = await Task.WhenAll(requested.Select(async line =>
        {
            var (kind, value, type) = line switch
            {
                { Barcode: { } barcode } => ((LineRefKind?)LineRefKind.Barcode, barcode.Trim(), (string?)null),
                { Identifier: { } id } => (LineRefKind.Identifier, id.Value!.Trim(), Codes.Normalize(id.IdType)),
                { Alias: { } alias } => (LineRefKind.Alias, alias.Value!.Trim(), Codes.Normalize(alias.Tag)),
                { VariantCode: { } code } => (LineRefKind.Code, Codes.Normalize(code), null),
                _ => (null, null, null),
            };
            if (kind is null)
            {
                return null;
            }
            try
            {
                return await sources.ResolveAsync(orgcode, kind.Value, value!, type, ct);
            }
            catch (ServiceRefusedException)
            {
                return null; // PVM refused the value itself (not a barcode, an unknown id type): nothing in the catalog is it
            }
        }));
        var lines = new List<OrderLine>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var line = requested[i];
            var lineNo = i + 1;
            var uom = line.UomCode is null ? "each" : Codes.Normalize(line.UomCode);
            if (line.VariantGuid is not null)
            {
                lines.Add(new OrderLine(lineNo, line.VariantGuid.Trim().ToLowerInvariant(), line.Quantity!.Value) { UomCode = uom });
                continue;
            }
            var asked = RequestedAs(line);
            var resolution = resolutions[i];
            if (resolution?.Variant is null)
            {
                return (null, ApiProblem.Business("unknown_reference", "A referenced record does not exist.",
                    $"Line {lineNo}: nothing in the catalog is {asked}.", [new("field", $"lines[{i}]"), new("line_no", lineNo)]));
            }
            if (!resolution.Live)
            {
                return (null, ApiProblem.Business("not_sellable", "A line's variant cannot be sold.",
                    $"Line {lineNo}: {asked} is {resolution.Status}, not sellable.", [new("field", $"lines[{i}]"), new("line_no", lineNo)]));
            }
            lines.Add(new OrderLine(lineNo, resolution.Variant.VariantGuid, line.Quantity!.Value)
            {
                UomCode = uom,
                VariantCode = resolution.Variant.VariantCode,
                StyleGuid = resolution.Variant.StyleGuid,
                RequestedAs = asked,
            });
        }
        return (lines, null);
    }

    private static string RequestedAs(OrderLineRequest line) => line switch
    {
        { Barcode: { } barcode } => $"barcode {barcode.Trim()}",
        { Identifier: { } id } => $"identifier {Codes.Normalize(id.IdType)} {id.Value!.Trim()}",
        { Alias: { } alias } => $"alias {Codes.Normalize(alias.Tag)} {alias.Value!.Trim()}",
        _ => $"variant code {Codes.Normalize(line.VariantCode)}",
    };

    private static OrderLine PricedLine(OrderLine line, PpmLine price) => line with
    {
        PriceListCode = price.PriceListCode,
        ListUnitMinor = price.ListUnitMinor ?? 0,
        UnitMinor = price.UnitMinor ?? 0,
        NetMinor = price.ExtendedMinor ?? 0,
        DiscountMinor = price.DiscountMinor ?? 0,
        Discounts = (price.Applied ?? []).Select(a => new AppliedDiscount(a.Source, a.Code, a.Kind, a.AmountMinor)).ToList(),
    };

    private static Delivery DeliveryOf(DeliveryRequest request) => new(request.Method!.Value,
        request.Address is { } a
            ? new Address(RequestRules.Trimmed(a.Name), a.Line1!.Trim(), RequestRules.Trimmed(a.Line2), a.City!.Trim(), RequestRules.Trimmed(a.Region),
                a.PostalCode!.Trim(), a.Country!.Trim().ToUpperInvariant(), RequestRules.Trimmed(a.Phone), RequestRules.Trimmed(a.Email)?.ToLowerInvariant())
            : null,
        request.PickupFacilityCode is null ? null : Codes.Normalize(request.PickupFacilityCode));

    private static CustomerRef? CustomerOf(CustomerRequest? request) => request is null
        ? null
        : new CustomerRef(request.CustomerGuid?.Trim().ToLowerInvariant(), RequestRules.Trimmed(request.Email)?.ToLowerInvariant(),
            RequestRules.Trimmed(request.Name), RequestRules.Trimmed(request.ExternalRef)) { AccountGuid = request.AccountGuid?.Trim().ToLowerInvariant() };
}

/// <summary>What a reserve step did: the order with its lines' holds, the holds, the lines it reserved and the ICS key it used.</summary>
internal sealed record Reserved(Order Order, IReadOnlyList<IcsBatchHold> Holds, IReadOnlyList<int> LineNos, string Key);

/// <summary>OFM's <c>/resolve/facility</c> answer as SCM reads it.</summary>
internal sealed record OfmResolvedFacility(string FacilityType, string FacilityCode, bool Active, JsonElement Record);
