using FluentValidation;
using Retail.Shared;

namespace Retail.Pmc.Products;

/// <summary>One product of a pack to create: by <c>style_guid</c> or <c>style_code</c>, at <c>revision_no</c>.</summary>
public sealed record PackItemRequest(string? StyleGuid, string? StyleCode, int? RevisionNo);

/// <summary>
/// A pack of one channel: a name, why, and 1–<see cref="Pack.MaxItems"/> products each once, each at one of its revisions
/// (422 <c>unknown_revision</c> naming the first that does not exist). It opens; <c>pack/complete</c> takes it online.
/// </summary>
public sealed record PackCreateRequest(string? ChannelCode, string? Name, string? Reason, IReadOnlyList<PackItemRequest?>? Items);

/// <summary>Takes every product of the pack online at its revision, in one transaction; <c>expected_revision</c> (the pack's) optional.</summary>
public sealed record PackCompleteRequest(string? PackGuid, long? ExpectedRevision);

public sealed record PackGetRequest(string? PackGuid);

/// <summary>A channel's packs (<c>channel_code</c> or the header), optionally of one status, in creation order.</summary>
public sealed record PackListRequest(string? ChannelCode, PackStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A pack in a list: everything but its items, which <c>pack/get</c> reads.</summary>
public sealed record PackSummary(string PackGuid, string ChannelCode, string Name, string? Reason, PackStatus Status, int ItemCount, string? RunGuid,
    string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? CompletedBy, long Revision)
{
    public static PackSummary Of(Pack p) =>
        new(p.PackGuid, p.ChannelCode, p.Name, p.Reason, p.Status, p.Items.Count, p.RunGuid, p.CreatedBy, p.CreatedAt, p.CompletedAt, p.CompletedBy, p.Revision);
}

public sealed class PackCreateRequestValidator : AbstractValidator<PackCreateRequest>
{
    public PackCreateRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Reason).Text(ProductRequestRules.MaxReason);
        RuleFor(r => r.Items).NotNull().WithMessage("is required")
            .Must(i => i!.Count is > 0 and <= Pack.MaxItems).WithMessage($"has 1–{Pack.MaxItems} products");
        RuleForEach(r => r.Items).NotNull().WithMessage("is required").ChildRules(item =>
        {
            item.RuleFor(i => i!.StyleGuid).OptionalGuid();
            item.RuleFor(i => i!.StyleCode).OptionalCode();
            item.RuleFor(i => i!.StyleGuid).Must((i, guid) => (guid is null) != (i!.StyleCode is null))
                .WithMessage("name the product by style_guid or by style_code (one of them)");
            item.RuleFor(i => i!.RevisionNo).NotNull().WithMessage("is required").GreaterThan(0);
        });
    }
}

public sealed class PackCompleteRequestValidator : AbstractValidator<PackCompleteRequest>
{
    public PackCompleteRequestValidator()
    {
        RuleFor(r => r.PackGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class PackGetRequestValidator : AbstractValidator<PackGetRequest>
{
    public PackGetRequestValidator() => RuleFor(r => r.PackGuid).RequiredGuid();
}

public sealed class PackListRequestValidator : AbstractValidator<PackListRequest>
{
    public PackListRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        this.AddPagingRules();
    }
}

/// <summary>
/// Packs (UC-PMC-004): revisions of one channel prepared together, taken online at once by <c>pack/complete</c> through
/// <see cref="ProductSwitch.GoOnlineAsync"/>, the pack's own change to completed in the same transaction.
/// </summary>
public static class PacksApi
{
    /// <summary>Revision keys read per round trip when a pack's items are checked.</summary>
    private const int Chunk = 500;

    /// <summary>A full pack names 10,000 products; by code that is more than the default 1 MiB body.</summary>
    private const long MaxCreateBody = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPacks(this IEndpointRouteBuilder routes)
    {
        var packs = routes.MapGroup("/pack").WithTags("Packs");
        packs.MapPost("/create", Create).RequireRole(Role.Admin).AsWrite().WithBodyLimit(MaxCreateBody)
            .WithSummary($"Prepare a pack of one channel: 1–{Pack.MaxItems} products, each at one of its revisions; it opens, and goes online on complete.");
        packs.MapPost("/complete", Complete).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Take every product of an open pack online at its revision, all in one transaction (409 pack_completed when done already).");
        packs.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read a pack with its items.");
        packs.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("A channel's packs (channel_code or x-channel-code), optionally of one status, without their items.");
        return packs;
    }

    public static async Task<Results<Created<Pack>, ProblemHttpResult>> Create(PackCreateRequest request, RecordStore<Pack> packs,
        RecordStore<ChannelProduct> products, RecordStore<ProductRevision> revisions, IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, fromHeader, problem) = ProductChannels.BodyOrHeader(request.ChannelCode, context);
        if (problem is not null)
        {
            return problem;
        }
        if (!fromHeader && await ProductChannels.ProblemAsync(directory, orgcode, channel!, ct) is { } unknown)
        {
            return unknown;
        }

        var items = new List<PackItem>(request.Items!.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Items.Count; i++)
        {
            var line = request.Items[i]!;
            string styleGuid;
            if (line.StyleGuid is { } guid)
            {
                styleGuid = guid.Trim().ToLowerInvariant();
            }
            else if (await products.FindAsync(orgcode, ChannelProduct.StyleCodeName, $"{channel}:{Codes.Normalize(line.StyleCode)}", ct) is { } byCode)
            {
                styleGuid = byCode.Record.StyleGuid;
            }
            else
            {
                return PmcProblems.UnknownRevision($"The product '{Codes.Normalize(line.StyleCode)}' was never published in channel '{channel}'.",
                    $"items[{i}].style_code");
            }
            if (!seen.TryAdd(styleGuid, i))
            {
                return ApiProblem.Validation($"items[{i}]", $"names the same product as items[{seen[styleGuid]}]; a pack takes each product once");
            }
            items.Add(new PackItem(styleGuid, line.RevisionNo!.Value));
        }
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(Chunk))
        {
            var keys = chunk.Select(i => ProductRevision.KeyOf(channel!, i.StyleGuid, i.RevisionNo)).ToList();
            found.UnionWith((await revisions.GetManyAsync(orgcode, keys, ct: ct)).Select(r => r.Key));
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (!found.Contains(ProductRevision.KeyOf(channel!, items[i].StyleGuid, items[i].RevisionNo)))
            {
                return PmcProblems.UnknownRevision($"The product {items[i].StyleGuid} has no revision {items[i].RevisionNo} in channel '{channel}'.",
                    $"items[{i}].revision_no");
            }
        }
        var pack = new Pack
        {
            PackGuid = Ids.New(),
            ChannelCode = channel!,
            Name = request.Name!.Trim(),
            Reason = RequestRules.Trimmed(request.Reason),
            Items = items,
            CreatedBy = context.Principal?.Id,
        };
        return (await packs.CreateAsync(orgcode, pack, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Pack>, ProblemHttpResult>> Complete(PackCompleteRequest request, RecordStore<Pack> packs, ProductSwitch @switch,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var key = request.PackGuid!.Trim().ToLowerInvariant();
        var loaded = await packs.GetAsync(orgcode, key, ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such pack.");
        }
        if (loaded.Record.Status == PackStatus.Completed)
        {
            return PmcProblems.PackCompleted($"The pack went online at {loaded.Record.CompletedAt:O}.");
        }
        if (request.ExpectedRevision is { } expected && expected != loaded.Record.Revision)
        {
            return ApiProblem.RevisionMismatch(loaded.Record.Revision);
        }
        Pack? completed = null;
        var result = await @switch.GoOnlineAsync(orgcode, loaded.Record.ChannelCode, loaded.Record.PackGuid, loaded.Record.Items, (batch, _) =>
        {
            completed = packs.Update(batch, orgcode, loaded, loaded.Record with
            {
                Status = PackStatus.Completed,
                CompletedAt = clock.GetUtcNow(),
                CompletedBy = context.Principal?.Id,
            }, "status_changed");
            return Task.FromResult<ProblemHttpResult?>(null);
        }, ct);
        if (result.Problem is null)
        {
            return TypedResults.Ok(completed!);
        }
        // Two completes of one pack: the one that lost the race is told the pack is done, not merely that it changed.
        if (await packs.GetAsync(orgcode, key, ct: ct) is { Record.Status: PackStatus.Completed } done)
        {
            return PmcProblems.PackCompleted($"The pack went online at {done.Record.CompletedAt:O}.");
        }
        return result.Problem;
    }

    public static async Task<Results<Ok<Pack>, ProblemHttpResult>> Get(PackGetRequest request, RecordStore<Pack> packs, RequestContext context,
        CancellationToken ct) =>
        await packs.GetAsync(context.RequireOrgcode(), request.PackGuid!.Trim().ToLowerInvariant(), ct: ct) is { } pack
            ? TypedResults.Ok(pack.Record)
            : ApiProblem.NotFound("No such pack.");

    public static async Task<Results<Ok<Page<PackSummary>>, ProblemHttpResult>> List(PackListRequest request, RecordStore<Pack> packs, RequestContext context,
        CancellationToken ct)
    {
        var (channel, _, problem) = ProductChannels.BodyOrHeader(request.ChannelCode, context);
        if (problem is not null)
        {
            return problem;
        }
        List<StateFilter> filters = [StateFilter.Eq("channel_code", channel)];
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        var page = await packs.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<PackSummary>(page.Items.Select(PackSummary.Of).ToList(), page.NextToken));
    }
}
