using FluentValidation;
using Retail.Ppm.Prices;
using Retail.Ppm.Pricing;
using Retail.Shared;

namespace Retail.Ppm.Lists;

/// <summary>
/// Creates a list (no <c>price_list_guid</c>, a code not yet used: <c>name</c> and <c>currency</c> required, 201) or
/// changes the one named by guid or code (<c>expected_revision</c> required; fields left out stay as they are).
/// </summary>
public sealed record SetPriceListRequest(string? PriceListGuid, string? PriceListCode, string? Name, string? Currency, string? Description,
    long? ExpectedRevision) : IRecordRef
{
    public string? GuidRef() => PriceListGuid;

    public string? CodeRef() => PriceListCode is null ? null : Codes.Normalize(PriceListCode);
}

public sealed record PriceListListRequest(MasterStatus? Status, string? Currency, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

/// <param name="ExpectedRevision">Optional: the channel's assignments' revision (0 while it has none) when the caller wants the change to fail if they moved on.</param>
public sealed record AssignPriceListRequest(string? ChannelCode, string? PriceListCode, int? Priority, long? ExpectedRevision);

public sealed record ClearPriceListRequest(string? ChannelCode, string? PriceListCode, long? ExpectedRevision);

/// <summary>The assignments of one channel, or the channels of one list (exactly one of the two).</summary>
public sealed record PriceListAssignmentsRequest(string? ChannelCode, string? PriceListCode, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>The channel by <c>channel_code</c> or the <c>x-channel-code</c> header; <c>at</c> defaults to now.</summary>
public sealed record ResolvePriceListRequest(string? ChannelCode, DateTimeOffset? At);

/// <summary>One list assigned to one channel; <paramref name="Revision"/> is the channel's assignments' revision.</summary>
public sealed record ChannelListView(string ChannelCode, string PriceListGuid, string PriceListCode, int Priority, DateTimeOffset AssignedAt,
    string AssignedBy, long Revision);

/// <summary>The list that applies to a channel: its first active assigned list by priority.</summary>
public sealed record PriceListResolution(string ChannelCode, DateTimeOffset At, PriceList PriceList, int Priority);

public sealed record PriceListAssigned(string ChannelCode, string PriceListGuid, string PriceListCode, int Priority, int? PreviousPriority);

public sealed record PriceListUnassigned(string ChannelCode, string PriceListGuid, string PriceListCode, int Priority);

public sealed class SetPriceListRequestValidator : AbstractValidator<SetPriceListRequest>
{
    public SetPriceListRequestValidator()
    {
        RuleFor(r => r.PriceListGuid).OptionalGuid();
        RuleFor(r => r.PriceListCode).OptionalCode();
        RuleFor(r => r.PriceListCode).Must((r, code) => !string.IsNullOrWhiteSpace(code) || !string.IsNullOrWhiteSpace(r.PriceListGuid))
            .WithMessage("name the list by price_list_code (or price_list_guid to change one)");
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Currency).Currency();
        RuleFor(r => r.Description).Text(1000);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PriceListListRequestValidator : AbstractValidator<PriceListListRequest>
{
    public PriceListListRequestValidator()
    {
        RuleFor(r => r.Currency).Currency();
        this.AddPagingRules();
    }
}

public sealed class AssignPriceListRequestValidator : AbstractValidator<AssignPriceListRequest>
{
    public const int MaxPriority = 1000;

    public AssignPriceListRequestValidator()
    {
        RuleFor(r => r.ChannelCode).BusinessCode();
        RuleFor(r => r.PriceListCode).BusinessCode();
        RuleFor(r => r.Priority).NotNull().WithMessage("is required").InclusiveBetween(0, MaxPriority);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ClearPriceListRequestValidator : AbstractValidator<ClearPriceListRequest>
{
    public ClearPriceListRequestValidator()
    {
        RuleFor(r => r.ChannelCode).BusinessCode();
        RuleFor(r => r.PriceListCode).BusinessCode();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PriceListAssignmentsRequestValidator : AbstractValidator<PriceListAssignmentsRequest>
{
    public PriceListAssignmentsRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.PriceListCode).OptionalCode();
        RuleFor(r => r.ChannelCode).Must((r, channel) => (channel is null) != (r.PriceListCode is null))
            .WithMessage("name exactly one of channel_code and price_list_code");
        RuleFor(r => r.NextToken).Null().When(r => r.ChannelCode is not null).WithMessage("pages the channels of a list; a channel's lists are one page");
        this.AddPagingRules();
    }
}

public sealed class ResolvePriceListRequestValidator : AbstractValidator<ResolvePriceListRequest>
{
    public ResolvePriceListRequestValidator() => RuleFor(r => r.ChannelCode).OptionalCode();
}

/// <summary>
/// Price lists (issue 12): one currency each, fixed once the list holds a price; assigned to OFM sales channels with a
/// priority (one <see cref="ChannelLists"/> record per channel, so an assign is one ETag-checked write and a resolve one
/// read). A channel sells at its first active list by priority.
/// </summary>
public static class PriceListsApi
{
    /// <summary>How often an assign or clear that did not pin a revision re-reads the channel after losing a race.</summary>
    private const int Attempts = 3;

    public static IEndpointRouteBuilder MapPriceLists(this IEndpointRouteBuilder routes)
    {
        var lists = routes.MapGroup("/price-list").WithTags("Price lists");
        var lifecycle = new MasterRoutes<PriceList> { Create = Set, StatusPath = "/status/set", StatusGuard = RetireGuard };
        lists.MapPost("/set", Set).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Create a price list (code, name, ISO 4217 currency) or change one (expected_revision); the currency is fixed once the list has a price.");
        // The shared handlers go in as delegates, as MapMasterData maps them.
        Delegate get = MasterDataApi.Get<PriceList>;
        Delegate status = MasterDataApi.StatusHandler<PriceList, MasterStatus, StatusChange<PriceList, MasterStatus>>(lifecycle);
        lists.MapPost("/get", get).RequireRole(Role.Viewer).WithSummary("Read a price list by price_list_guid or price_list_code.");
        lists.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List the org's price lists, by status and currency.");
        lists.MapPost("/status/set", status)
            .RequireRole(Role.Admin).AsWrite().InvalidatesPricing()
            .WithSummary("Move a price list through its lifecycle (active, inactive, retired); a list still assigned to a channel is not retired.");
        lists.MapPost("/assign", Assign).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Assign an active list to an active sales channel at a priority (0 first, unique per channel); assigning it again moves its priority.");
        lists.MapPost("/assign/clear", Clear).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Take a list off a sales channel.");
        lists.MapPost("/assignments", Assignments).RequireRole(Role.Viewer)
            .WithSummary("The lists of a channel in priority order (channel_code), or the channels of a list (price_list_code).");
        lists.MapPost("/resolve", Resolve).RequireRole(Role.Viewer)
            .WithSummary("The list a channel (channel_code or x-channel-code) sells at: its first active list by priority; 422 no_price_list when none.");
        return lists;
    }

    public static async Task<Results<Created<PriceList>, Ok<PriceList>, ProblemHttpResult>> Set(SetPriceListRequest request, RecordStore<PriceList> store,
        RecordStore<PriceEntry> prices, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var currency = request.Currency?.Trim().ToUpperInvariant();
        var existing = await MasterDataApi.LoadAsync(store, orgcode, request, ct);
        if (existing is null)
        {
            if (!string.IsNullOrWhiteSpace(request.PriceListGuid))
            {
                return ApiProblem.NotFound("No such price list in this org.");
            }
            if (request.ExpectedRevision is > 0)
            {
                return ApiProblem.RevisionMismatch(0);
            }
            var missing = new Dictionary<string, string[]>();
            if (RequestRules.Trimmed(request.Name) is null)
            {
                missing["name"] = ["is required to create a price list"];
            }
            if (currency is null)
            {
                missing["currency"] = ["is required to create a price list"];
            }
            if (missing.Count > 0)
            {
                return ApiProblem.Validation(missing);
            }
            var list = new PriceList
            {
                PriceListGuid = Ids.New(),
                PriceListCode = request.CodeRef()!,
                Name = request.Name!.Trim(),
                Currency = currency!,
                Description = RequestRules.Trimmed(request.Description),
            };
            var created = await store.CreateAsync(orgcode, list, ct: ct);
            return created.Succeeded ? TypedResults.Created((string?)null, created.Record!) : created.Problem();
        }

        var (loaded, problem) = RecordStore<PriceList>.CheckRevision(existing, request.ExpectedRevision);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (currency is not null && currency != current.Currency)
        {
            // Every price of a list is in its currency: once one exists, the currency is part of what the prices mean.
            var priced = await prices.ListAsync(orgcode, [StateFilter.Eq("price_list_code", current.PriceListCode)], 1, ct: ct);
            if (priced.Items.Count > 0)
            {
                return PpmProblems.CurrencyLocked($"The list '{current.PriceListCode}' holds prices in {current.Currency}; create another list for {currency}.");
            }
        }
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            Currency = currency ?? current.Currency,
            Description = RequestRules.Trimmed(request.Description) ?? current.Description,
        };
        var updated = await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    public static async Task<Ok<Page<PriceList>>> List(PriceListListRequest request, RecordStore<PriceList> store, RequestContext context,
        CancellationToken ct)
    {
        List<StateFilter> filters = request.Currency is { } currency ? [StateFilter.Eq("currency", currency.Trim().ToUpperInvariant())] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    public static async Task<Results<Ok<ChannelLists>, ProblemHttpResult>> Assign(AssignPriceListRequest request, RecordStore<PriceList> lists,
        RecordStore<ChannelLists> channels, IOrgDirectory directory, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var channelCode = Codes.Normalize(request.ChannelCode);
        var listCode = Codes.Normalize(request.PriceListCode);
        var priority = request.Priority!.Value;
        if (await OrgReferences.ChannelProblemAsync(directory, orgcode, channelCode, "channel_code", ct) is { } unknownChannel)
        {
            return unknownChannel;
        }
        if (await lists.FindAsync(orgcode, PriceList.CodeName, listCode, ct) is not { } list)
        {
            return PpmProblems.UnknownReference("price_list_code", $"No price list '{listCode}' in this org.");
        }
        if (list.Record.Status != MasterStatus.Active)
        {
            return PpmProblems.ReferenceNotActive("price_list_code", $"The price list '{listCode}' is {MasterLifecycle.Name(list.Record.Status)}.");
        }

        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (current, refused) = await LoadChannelAsync(channels, orgcode, channelCode, request.ExpectedRevision, ct);
            if (refused is not null)
            {
                return refused;
            }
            var assignments = current?.Record.Assignments ?? [];
            if (assignments.FirstOrDefault(a => a.Priority == priority && a.PriceListGuid != list.Record.PriceListGuid) is { } holder)
            {
                return PpmProblems.PriorityTaken($"The list '{holder.PriceListCode}' has priority {priority} on channel '{channelCode}'.");
            }
            var mine = assignments.FirstOrDefault(a => a.PriceListGuid == list.Record.PriceListGuid);
            if (mine is not null && mine.Priority == priority)
            {
                return TypedResults.Ok(current!.Record);
            }
            var assignment = new ListAssignment(list.Record.PriceListGuid, list.Record.PriceListCode, priority, clock.GetUtcNow(),
                context.Principal?.Id ?? "system");
            var next = new ChannelLists
            {
                ChannelCode = channelCode,
                Assignments = [.. assignments.Where(a => a != mine).Append(assignment).OrderBy(a => a.Priority)],
            };
            DomainEvent[] events = [new(PpmEvents.ListAssigned,
                new PriceListAssigned(channelCode, list.Record.PriceListGuid, list.Record.PriceListCode, priority, mine?.Priority), $"channel/{channelCode}")];
            var write = current is null
                ? await channels.CreateAsync(orgcode, next, events, ct)
                : await channels.UpdateAsync(orgcode, current, current.Record with { Assignments = next.Assignments }, "assigned", events, ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(write.Record!);
            }
            lost = write.Problem();
            if (request.ExpectedRevision is not null || write.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                break;
            }
        }
        return lost!;
    }

    public static async Task<Results<Ok<ChannelLists>, ProblemHttpResult>> Clear(ClearPriceListRequest request, RecordStore<ChannelLists> channels,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var channelCode = Codes.Normalize(request.ChannelCode);
        var listCode = Codes.Normalize(request.PriceListCode);
        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (current, refused) = await LoadChannelAsync(channels, orgcode, channelCode, request.ExpectedRevision, ct);
            if (refused is not null)
            {
                return refused;
            }
            var mine = current?.Record.Assignments.FirstOrDefault(a => a.PriceListCode == listCode);
            if (mine is null)
            {
                return ApiProblem.NotFound($"The list '{listCode}' is not assigned to channel '{channelCode}'.");
            }
            var write = await channels.UpdateAsync(orgcode, current!, current!.Record with { Assignments = [.. current.Record.Assignments.Where(a => a != mine)] },
                "unassigned", [new(PpmEvents.ListUnassigned, new PriceListUnassigned(channelCode, mine.PriceListGuid, mine.PriceListCode, mine.Priority),
                    $"channel/{channelCode}")], ct);
            if (write.Succeeded)
            {
                return TypedResults.Ok(write.Record!);
            }
            lost = write.Problem();
            if (request.ExpectedRevision is not null || write.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                break;
            }
        }
        return lost!;
    }

    public static async Task<Ok<Page<ChannelListView>>> Assignments(PriceListAssignmentsRequest request, RecordStore<ChannelLists> channels,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (request.ChannelCode is not null)
        {
            // A channel holds at most one assignment per priority (0..1000), so its assignments are one bounded page.
            var channel = await channels.GetAsync(orgcode, Codes.Normalize(request.ChannelCode), ct: ct);
            var views = channel?.Record.Assignments.OrderBy(a => a.Priority).Select(a => ViewOf(channel.Record, a)).ToList() ?? [];
            return TypedResults.Ok(new Page<ChannelListView>(views, null));
        }
        var listCode = Codes.Normalize(request.PriceListCode);
        var page = await channels.ListByValueAsync(orgcode, "price_list_code", listCode, Paging.LimitOf(request), request.NextToken, ct: ct);
        var items = page.Items.SelectMany(c => c.Assignments.Where(a => a.PriceListCode == listCode).Select(a => ViewOf(c, a))).ToList();
        return TypedResults.Ok(new Page<ChannelListView>(items, page.NextToken));
    }

    public static async Task<Results<Ok<PriceListResolution>, ProblemHttpResult>> Resolve(ResolvePriceListRequest request, RecordStore<ChannelLists> channels,
        RecordStore<PriceList> lists, IOrgDirectory directory, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channelCode, fromHeader, problem) = OrgReferences.BodyOrHeader(request.ChannelCode, context.ChannelCode, "channel_code", "x-channel-code");
        if (problem is not null)
        {
            return problem;
        }
        if (!fromHeader && await OrgReferences.ChannelProblemAsync(directory, orgcode, channelCode!, "channel_code", ct) is { } unknownChannel)
        {
            return unknownChannel;
        }
        var at = request.At ?? clock.GetUtcNow();
        var channel = await channels.GetAsync(orgcode, channelCode!, ct: ct);
        var ordered = channel?.Record.Assignments.OrderBy(a => a.Priority).ToList() ?? [];
        var byGuid = (await lists.GetManyAsync(orgcode, ordered.Select(a => a.PriceListGuid).ToList(), ct: ct))
            .ToDictionary(l => l.PriceListGuid, StringComparer.Ordinal);
        foreach (var assignment in ordered)
        {
            if (byGuid.TryGetValue(assignment.PriceListGuid, out var list) && list.Status == MasterStatus.Active)
            {
                return TypedResults.Ok(new PriceListResolution(channelCode!, at, list, assignment.Priority));
            }
        }
        return PpmProblems.NoPriceList(ordered.Count == 0
            ? $"No price list is assigned to channel '{channelCode}'."
            : $"None of the {ordered.Count} price list(s) assigned to channel '{channelCode}' is active.");
    }

    /// <summary>
    /// The channel's assignments (null while it has none) and, when the caller pinned one, the revision check: 0 stands
    /// for "none yet".
    /// </summary>
    private static async Task<ChangeBase<ChannelLists>> LoadChannelAsync(RecordStore<ChannelLists> channels, string orgcode, string channelCode,
        long? expectedRevision, CancellationToken ct)
    {
        var current = await channels.GetAsync(orgcode, channelCode, ct: ct);
        if (expectedRevision is null)
        {
            return new ChangeBase<ChannelLists>(current, null);
        }
        if (current is null)
        {
            return new ChangeBase<ChannelLists>(null, expectedRevision == 0 ? null : ApiProblem.RevisionMismatch(0));
        }
        return RecordStore<ChannelLists>.CheckRevision(current, expectedRevision);
    }

    private static ChannelListView ViewOf(ChannelLists channel, ListAssignment assignment) =>
        new(channel.ChannelCode, assignment.PriceListGuid, assignment.PriceListCode, assignment.Priority, assignment.AssignedAt, assignment.AssignedBy,
            channel.Revision);

    /// <summary>A list a channel still sells at cannot be retired (clear its assignments first); it may be made inactive (resolve skips it).</summary>
    private static async Task<ProblemHttpResult?> RetireGuard(IServiceProvider services, string orgcode, PriceList list, MasterStatus to, CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var channels = services.GetRequiredService<RecordStore<ChannelLists>>();
        var assigned = await channels.ListByValueAsync(orgcode, "price_list_code", list.PriceListCode, 1, ct: ct);
        return assigned.Items.Count > 0
            ? PpmProblems.InUse($"The list is assigned to channel '{assigned.Items[0].ChannelCode}'; clear its assignments before retiring it.")
            : null;
    }
}
