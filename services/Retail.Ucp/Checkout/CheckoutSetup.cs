using System.Text.Json;
using System.Text.Json.Serialization;
using Retail.Shared;
using Retail.Shared.Invocation;
using Retail.Shared.Json;
using Retail.Ucp.Config;

namespace Retail.Ucp.Checkout;

public sealed class CheckoutOptions
{
    /// <summary>How long a session lives from its creation (the spec's default: 6 hours).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long a completion may stay <c>complete_in_progress</c> before a retried complete takes it over (its SCM calls
    /// carry the same idempotency keys, so the order is still created and captured once).
    /// </summary>
    public TimeSpan CompletionLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Where a buyer continues a session that needs a person (<c>continue_url</c> = base + session id): the merchant's web checkout.</summary>
    public string ContinueUrlBase { get; set; } = "https://checkout.invalid/ucp/";
}

public sealed record CheckoutLineInput(string? VariantGuid, int? Quantity);

public sealed record CheckoutCreateRequest(IReadOnlyList<CheckoutLineInput>? Lines, CheckoutBuyer? Buyer, CheckoutAddress? ShipTo, string? PaymentToken);

public sealed record CheckoutUpdateRequest(string? SessionGuid, long? ExpectedRevision, IReadOnlyList<CheckoutLineInput>? Lines, CheckoutBuyer? Buyer,
    CheckoutAddress? ShipTo, string? PaymentToken);

public sealed record CheckoutKey(string? SessionGuid);

public sealed record CheckoutChange(string? SessionGuid, long? ExpectedRevision);

/// <summary>Checkout sessions and carts, on the seed's surface (<c>/checkout/*</c>) and the public REST binding (<c>/checkout-sessions</c>).</summary>
public static class CheckoutSetup
{
    public static IServiceCollection AddUcpCheckout(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(UcpModule.Id, CheckoutSession.Type);
        services.Configure<CheckoutOptions>(configuration.GetSection("Ucp:Checkout"));
        services.AddScoped<CheckoutFlow>();
        services.AddScoped<CheckoutChecks>();
        return services;
    }

    public static IEndpointRouteBuilder MapUcpCheckout(this IEndpointRouteBuilder routes)
    {
        var seed = routes.MapGroup("/checkout").WithTags("UCP checkout");
        seed.MapPost("/create", (CheckoutCreateRequest r, CheckoutFlow f, HttpContext h, CancellationToken ct) => f.CreateAsync("checkout", r, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("Create a checkout session in the platform's channel: lines priced by PPM, status by what is present.");
        seed.MapPost("/get", (CheckoutKey r, CheckoutFlow f, HttpContext h, CancellationToken ct) => f.GetAsync(r.SessionGuid, h.PlatformCaller(), ct)).RequirePlatform()
            .WithSummary("Read a checkout session (an expired one answers canceled).");
        seed.MapPost("/update", (CheckoutUpdateRequest r, CheckoutFlow f, HttpContext h, CancellationToken ct) => f.UpdateAsync(r, h.PlatformCaller(), ct)).RequirePlatform().AsWrite()
            .WithSummary("Replace lines, buyer, ship-to or payment (expected_revision); prices and status are worked out again.");
        seed.MapPost("/complete", (CheckoutChange r, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
                f.CompleteAsync(r.SessionGuid, r.ExpectedRevision, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("Complete a ready session: the SCM order is created, placed and its tender captured, exactly once.");
        seed.MapPost("/cancel", (CheckoutChange r, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
                f.CancelAsync(r.SessionGuid, r.ExpectedRevision, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("Cancel a session that is not completed or canceled (expected_revision).");
        CheckoutRest.Map(routes);
        return routes;
    }
}

/// <summary>The checkout's logic, shared by both surfaces.</summary>
public sealed class CheckoutFlow(RecordStore<CheckoutSession> sessions, RecordStore<UcpConfig> configs, RecordStore<UcpOrderLink> links, IServiceInvoker invoker,
    CheckoutChecks checks, RequestContext context, TimeProvider clock, Microsoft.Extensions.Options.IOptions<CheckoutOptions> options)
{
    public async Task<Results<Created<CheckoutSession>, Ok<CheckoutSession>, ProblemHttpResult>> CreateAsync(string kind, CheckoutCreateRequest request,
        PlatformCaller caller, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var config = (await configs.GetAsync(orgcode, UcpConfig.TheKey, ct: ct))?.Record;
        if (config?.ChannelCode is not { } channel)
        {
            return ApiProblem.Business("checkout_not_configured", "The org has no UCP channel configured.", "Set the channel with /config/set first.");
        }
        if (request.Lines is not { Count: > 0 })
        {
            return ApiProblem.Validation("lines", "at least one line is required");
        }
        var now = clock.GetUtcNow();
        var session = new CheckoutSession
        {
            SessionGuid = Ids.New(),
            Kind = kind,
            PlatformGuid = caller.Platform.PlatformGuid,
            ChannelCode = channel,
            CustomerGuid = caller.CustomerGuid,
            ExpiresAt = now + options.Value.Ttl,
            Buyer = kind == "cart" ? null : request.Buyer,
            ShipTo = kind == "cart" ? null : request.ShipTo,
            PaymentToken = kind == "cart" ? null : request.PaymentToken,
        };
        var (priced, problem) = await EvaluateAsync(orgcode, session, request.Lines, ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await sessions.CreateAsync(orgcode, priced!, ct: ct);
        return write.Succeeded ? TypedResults.Created((string?)null, write.Record!) : write.Problem();
    }

    public async Task<Results<Ok<CheckoutSession>, ProblemHttpResult>> GetAsync(string? sessionGuid, PlatformCaller caller, CancellationToken ct)
    {
        var loaded = await LoadAsync(context.RequireOrgcode(), sessionGuid, caller, ct);
        return loaded is null ? ApiProblem.NotFound("No such checkout session.") : TypedResults.Ok(Expired(loaded.Record));
    }

    public async Task<Results<Ok<CheckoutSession>, ProblemHttpResult>> UpdateAsync(CheckoutUpdateRequest request, PlatformCaller caller, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveAsync(orgcode, request.SessionGuid, request.ExpectedRevision, caller, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.Status is CheckoutStatus.CompleteInProgress)
        {
            return InProgress();
        }
        var next = current with
        {
            Buyer = current.Kind == "cart" ? null : request.Buyer ?? current.Buyer,
            ShipTo = current.Kind == "cart" ? null : request.ShipTo ?? current.ShipTo,
            PaymentToken = current.Kind == "cart" ? null : request.PaymentToken ?? current.PaymentToken,
        };
        var inputs = request.Lines ?? current.Lines.Select(l => new CheckoutLineInput(l.VariantGuid, l.Quantity)).ToList();
        var (priced, invalid) = await EvaluateAsync(orgcode, next, inputs, ct);
        return invalid ?? (await sessions.UpdateAsync(orgcode, loaded, priced!, ct: ct)).ToOk();
    }

    public async Task<Results<Ok<CheckoutSession>, ProblemHttpResult>> CancelAsync(string? sessionGuid, long? expectedRevision, PlatformCaller caller,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await LoadLiveAsync(orgcode, sessionGuid, expectedRevision, caller, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (loaded!.Record.Status == CheckoutStatus.CompleteInProgress)
        {
            return InProgress();
        }
        var next = loaded.Record with { Status = CheckoutStatus.Canceled, CanceledAt = clock.GetUtcNow() };
        return (await sessions.UpdateAsync(orgcode, loaded, next, "status_changed", ct: ct)).ToOk();
    }

    /// <summary>
    /// ready_for_complete → complete_in_progress (the ETag-checked write picks the single winner; a concurrent complete answers
    /// 409 <c>checkout_in_progress</c>) → SCM order create, place and tender capture under keys derived from the session id →
    /// completed, with the order's <see cref="UcpOrderLink"/> in the same batch (so webhooks and <c>/orders/{id}</c> find it).
    /// A completed session answers as it is (a retry changes nothing). A completion left in progress longer than
    /// <see cref="CheckoutOptions.CompletionLease"/> is taken over by the next complete.
    /// </summary>
    public async Task<Results<Ok<CheckoutSession>, ProblemHttpResult>> CompleteAsync(string? sessionGuid, long? expectedRevision, PlatformCaller caller,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await LoadAsync(orgcode, sessionGuid, caller, ct);
        if (loaded is null || loaded.Record.Kind != "checkout")
        {
            return ApiProblem.NotFound("No such checkout session.");
        }
        var current = loaded.Record;
        if (current.Status is CheckoutStatus.Completed)
        {
            return TypedResults.Ok(current);
        }
        var takeover = current.Status == CheckoutStatus.CompleteInProgress && current.UpdatedAt + options.Value.CompletionLease <= clock.GetUtcNow();
        if (current.Status == CheckoutStatus.CompleteInProgress && !takeover)
        {
            return InProgress();
        }
        if (expectedRevision is not null && expectedRevision != current.Revision)
        {
            return ApiProblem.RevisionMismatch(current.Revision);
        }
        var session = Expired(current);
        if (session.Status == CheckoutStatus.Canceled)
        {
            return ApiProblem.InvalidTransition("canceled", "completed", []);
        }
        if (session.Status != CheckoutStatus.ReadyForComplete && !takeover)
        {
            return ApiProblem.Business("checkout_not_ready", "The session is not ready for complete.",
                $"The session is {SnakeCase.Name(session.Status)}; see its messages.");
        }
        var moving = await sessions.UpdateAsync(orgcode, loaded, session with { Status = CheckoutStatus.CompleteInProgress }, "status_changed", ct: ct);
        if (!moving.Succeeded)
        {
            // Another complete (or a change) got there first.
            var now = await sessions.GetAsync(orgcode, current.SessionGuid, ct: ct);
            return now?.Record.Status switch
            {
                null => moving.Problem(),
                CheckoutStatus.Completed => TypedResults.Ok(now.Record),
                CheckoutStatus.CompleteInProgress => InProgress(),
                _ => moving.Problem(),
            };
        }
        var inProgress = (await sessions.GetAsync(orgcode, current.SessionGuid, ct: ct))!;
        var (done, failure) = await PlaceOrderAsync(orgcode, inProgress.Record, ct);
        var escalate = failure?.Severity is "requires_buyer_review" or "requires_buyer_input";
        var final = failure is null
            ? done! with { Status = CheckoutStatus.Completed, CompletedAt = clock.GetUtcNow() }
            : inProgress.Record with
            {
                Status = escalate ? CheckoutStatus.RequiresEscalation : CheckoutStatus.Incomplete,
                Messages = [failure],
                ContinueUrl = escalate ? ContinueUrl(inProgress.Record) : null,
            };
        return (await sessions.UpdateAsync(orgcode, inProgress, final, "status_changed", ct: ct)).ToOk();
    }

    /// <summary>
    /// The order came through the platform: its <see cref="UcpOrderLink"/> is written as soon as SCM has created it and
    /// before it is placed, because SCM publishes <c>order.placed</c> while placing and the webhook fan-out reads the link
    /// when that event arrives. Keyed by the order, so a retried or taken-over completion finds it and writes nothing.
    /// </summary>
    private async Task LinkOrderAsync(string orgcode, CheckoutSession session, string orderGuid, CancellationToken ct)
    {
        if (await links.GetAsync(orgcode, orderGuid, ct: ct) is not null)
        {
            return;
        }
        var write = await links.CreateAsync(orgcode, new UcpOrderLink
        {
            OrderGuid = orderGuid,
            PlatformGuid = session.PlatformGuid,
            CheckoutGuid = session.SessionGuid,
            CustomerGuid = session.CustomerGuid,
        }, ct: ct);
        if (!write.Succeeded && await links.GetAsync(orgcode, orderGuid, ct: ct) is null)
        {
            throw new InvalidOperationException($"the link of order {orderGuid} could not be written: {write.Outcome}");
        }
    }

    private async Task<(CheckoutSession? Session, CheckoutMessage? Failure)> PlaceOrderAsync(string orgcode, CheckoutSession session, CancellationToken ct)
    {
        var prefix = $"ucp-checkout:{session.SessionGuid}";
        var name = session.Buyer is { } b ? $"{b.FirstName} {b.LastName}".Trim() : null;
        var created = await invoker.InvokeAsync("scm", "/order/create", new
        {
            channel_code = session.ChannelCode,
            lines = session.Lines.Select(l => new { variant_guid = l.VariantGuid, quantity = l.Quantity }).ToList(),
            customer = new { customer_guid = session.CustomerGuid, email = session.Buyer?.Email, name, external_ref = session.SessionGuid },
            delivery = new
            {
                method = "ship",
                address = session.ShipTo is { } a
                    ? new { name = a.Name ?? name, line1 = a.Line1, line2 = a.Line2, city = a.City, region = a.Region, postal_code = a.PostalCode, country = a.Country }
                    : null,
            },
            note = $"UCP checkout {session.SessionGuid}",
        }, new InvocationOptions(orgcode, $"{prefix}:create"), ct);
        if (!created.IsSuccess)
        {
            return (null, Failure(created, "$.line_items"));
        }
        var order = JsonDocument.Parse(created.Body).RootElement;
        var orderGuid = order.GetProperty("order_guid").GetString()!;
        await LinkOrderAsync(orgcode, session, orderGuid, ct);
        var placed = await invoker.InvokeAsync("scm", "/order/place", new { order_guid = orderGuid, expected_revision = order.GetProperty("revision").GetInt64() },
            new InvocationOptions(orgcode, $"{prefix}:place"), ct);
        if (!placed.IsSuccess && Code(placed) != "invalid_transition")
        {
            await invoker.InvokeAsync("scm", "/order/cancel", new { order_guid = orderGuid, expected_revision = order.GetProperty("revision").GetInt64(),
                reason = "UCP checkout could not be placed" }, new InvocationOptions(orgcode, $"{prefix}:cancel"), ct);
            return (null, Failure(placed, "$.line_items"));
        }
        var captured = await invoker.InvokeAsync("scm", "/tender/capture", new { order_guid = orderGuid, payment_method_token = session.PaymentToken },
            new InvocationOptions(orgcode, $"{prefix}:capture"), ct);
        if (!captured.IsSuccess)
        {
            return (null, Failure(captured, "$.payment"));
        }
        var tender = JsonDocument.Parse(captured.Body).RootElement;
        return (session with
        {
            OrderGuid = orderGuid,
            OrderNumber = order.TryGetProperty("order_number", out var n) ? n.GetString() : null,
            TenderGuid = tender.TryGetProperty("tender_guid", out var t) ? t.GetString() : null,
            Messages = [],
        }, null);
    }

    private static string? Code(InvocationResponse response)
    {
        try
        {
            return JsonDocument.Parse(response.Body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An SCM refusal as a message with the specification's codes.</summary>
    private static CheckoutMessage Failure(InvocationResponse response, string path) => Code(response) switch
    {
        "insufficient_stock" => new("error", "out_of_stock", "Not enough stock for the items.", "recoverable", "$.line_items"),
        "customer_on_hold" => new("error", "eligibility_invalid", "A person must review this buyer before the order is placed.", "requires_buyer_review", "$.buyer"),
        "payment_declined" or "tender_declined" => new("error", "payment_failed", "The payment was declined.", "recoverable", "$.payment"),
        var code => new("error", path == "$.payment" ? "payment_failed" : code ?? "unavailable", $"The order could not be placed ({code ?? response.StatusCode.ToString()}).",
            "recoverable", path),
    };

    /// <summary>
    /// Prices the lines with ONE PPM resolve, checks their stock in the channel with ONE ICS read (and, for a checkout, PVM's
    /// age restrictions), and works out the status and messages: recoverable errors keep it <c>incomplete</c>; otherwise an
    /// age-restricted line makes it <c>requires_escalation</c> with a <c>continue_url</c>; otherwise it is ready.
    /// </summary>
    private async Task<(CheckoutSession? Session, ProblemHttpResult? Problem)> EvaluateAsync(string orgcode, CheckoutSession session,
        IReadOnlyList<CheckoutLineInput> inputs, CancellationToken ct)
    {
        if (inputs.Count is 0 or > 100 || inputs.Any(l => string.IsNullOrWhiteSpace(l.VariantGuid) || l.Quantity is null or < 1))
        {
            return (null, ApiProblem.Validation("lines", "1 to 100 lines, each with a variant and a quantity of at least 1"));
        }
        var response = await invoker.InvokeAsync("ppm", "/price/resolve", new
        {
            channel_code = session.ChannelCode,
            lines = inputs.Select(l => new { variant_guid = l.VariantGuid!.Trim().ToLowerInvariant(), quantity = l.Quantity }).ToList(),
        }, new InvocationOptions(orgcode), ct);
        if (!response.IsSuccess)
        {
            return (null, response.StatusCode is 400 or 422 ? ApiProblem.Validation("lines", "a line names no valid variant") : ApiProblem.DependencyUnavailable("ppm"));
        }
        var answer = JsonDocument.Parse(response.Body).RootElement;
        var resolved = answer.GetProperty("lines").EnumerateArray().ToList();
        var messages = new List<CheckoutMessage>();
        var lines = new List<CheckoutLine>();
        var sellable = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var line = resolved[i];
            var priced = line.GetProperty("priced").GetBoolean();
            long? unit = priced ? line.GetProperty("unit_minor").GetInt64() : null;
            var variant = inputs[i].VariantGuid!.Trim().ToLowerInvariant();
            if (priced)
            {
                sellable.Add(variant);
            }
            else
            {
                messages.Add(new("error", "item_unavailable", $"Item {variant} is not sold in this channel.", "recoverable", $"$.line_items[{i}]"));
            }
            lines.Add(new CheckoutLine(session.Lines.ElementAtOrDefault(i)?.Id ?? $"li_{i + 1}", variant, inputs[i].Quantity!.Value, null, unit));
        }
        IReadOnlyDictionary<string, long>? available;
        IReadOnlyDictionary<string, int> ageRestricted;
        try
        {
            available = await checks.AvailableAsync(orgcode, session.ChannelCode, sellable, ct);
            ageRestricted = session.Kind == "checkout" ? await checks.AgeRestrictedAsync(orgcode, sellable, ct) : new Dictionary<string, int>();
        }
        catch (Exception ex) when (ex is DependencyUnavailableException or ServiceRefusedException)
        {
            return (null, ApiProblem.DependencyUnavailable(ex is DependencyUnavailableException d ? d.Dependency : "ics"));
        }
        if (available is not null)
        {
            var wanted = lines.GroupBy(l => l.VariantGuid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => (long)l.Quantity), StringComparer.Ordinal);
            for (var i = 0; i < lines.Count; i++)
            {
                var variant = lines[i].VariantGuid;
                if (sellable.Contains(variant) && wanted[variant] > available.GetValueOrDefault(variant))
                {
                    var left = available.GetValueOrDefault(variant);
                    messages.Add(new("error", "out_of_stock", left > 0 ? $"Only {left} of item {variant} left." : $"Item {variant} is out of stock.", "recoverable",
                        $"$.line_items[{i}]"));
                }
            }
        }
        var currency = answer.TryGetProperty("currency", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : session.Currency;
        if (session.Kind == "checkout")
        {
            if (string.IsNullOrWhiteSpace(session.Buyer?.Email))
            {
                messages.Add(new("error", "missing", "The buyer's email is required.", "recoverable", "$.buyer.email"));
            }
            if (session.ShipTo?.Line1 is null || session.ShipTo.Country is null)
            {
                messages.Add(new("error", "missing", "A shipping address is required.", "recoverable", "$.fulfillment"));
            }
            if (string.IsNullOrWhiteSpace(session.PaymentToken))
            {
                messages.Add(new("error", "missing", "A payment instrument is required.", "recoverable", "$.payment"));
            }
            for (var i = 0; i < lines.Count; i++)
            {
                if (ageRestricted.TryGetValue(lines[i].VariantGuid, out var age))
                {
                    messages.Add(new("error", "age_verification_required", $"Item {lines[i].VariantGuid} is sold only to buyers aged {age} or over; the buyer must verify their age.",
                        "requires_buyer_input", $"$.line_items[{i}]"));
                }
            }
        }
        var status = session.Kind != "checkout" || messages.Any(m => m.Type == "error" && m.Severity == "recoverable")
            ? CheckoutStatus.Incomplete
            : messages.Any(m => m.Type == "error") ? CheckoutStatus.RequiresEscalation : CheckoutStatus.ReadyForComplete;
        return (session with
        {
            Lines = lines,
            Currency = currency ?? "EUR",
            Messages = messages,
            Status = status,
            ContinueUrl = status == CheckoutStatus.RequiresEscalation ? ContinueUrl(session) : null,
        }, null);
    }

    private string ContinueUrl(CheckoutSession session) => options.Value.ContinueUrlBase + session.SessionGuid;

    private static ProblemHttpResult InProgress() =>
        ApiProblem.Create(StatusCodes.Status409Conflict, "checkout_in_progress", "The session is being completed.",
            "Another complete of this session is running; read the session for its outcome.");

    /// <summary>The caller's own session: another platform's (or another org's) is not found.</summary>
    private async Task<Loaded<CheckoutSession>?> LoadAsync(string orgcode, string? sessionGuid, PlatformCaller caller, CancellationToken ct)
    {
        var key = sessionGuid?.Trim().ToLowerInvariant();
        var loaded = string.IsNullOrEmpty(key) ? null : await sessions.GetAsync(orgcode, key, ct: ct);
        return loaded?.Record.PlatformGuid == caller.Platform.PlatformGuid ? loaded : null;
    }

    private async Task<ChangeBase<CheckoutSession>> LoadLiveAsync(string orgcode, string? sessionGuid, long? expectedRevision, PlatformCaller caller,
        CancellationToken ct)
    {
        if (await LoadAsync(orgcode, sessionGuid, caller, ct) is null)
        {
            return new ChangeBase<CheckoutSession>(null, ApiProblem.NotFound("No such checkout session."));
        }
        var change = await sessions.LoadForChangeAsync(orgcode, sessionGuid?.Trim().ToLowerInvariant(), expectedRevision, ct: ct);
        if (change.Problem is null && Expired(change.Loaded!.Record).IsTerminal)
        {
            var status = SnakeCase.Name(Expired(change.Loaded.Record).Status);
            return new ChangeBase<CheckoutSession>(null, ApiProblem.Create(StatusCodes.Status409Conflict, "checkout_closed",
                "The session is completed, canceled or expired.", $"The session is {status}."));
        }
        return change;
    }

    /// <summary>An expired session that was not completed answers as canceled (and cannot complete).</summary>
    private CheckoutSession Expired(CheckoutSession session) =>
        !session.IsTerminal && session.Status != CheckoutStatus.CompleteInProgress && session.ExpiresAt <= clock.GetUtcNow()
            ? session with { Status = CheckoutStatus.Canceled, Messages = [new("info", "expired", "The session expired.")], ContinueUrl = null }
            : session;
}
