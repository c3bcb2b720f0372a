using Retail.Pmc.Storefront;

namespace Retail.Pmc.Products;

/// <summary>
/// Revisions, pointers and the online flag of products per channel (UC-PMC-003), and build figures. Every pointer and
/// online change goes through <see cref="ProductSwitch"/>: one ETag-checked product record per channel, so exactly one
/// revision is online whatever runs at the same time.
/// </summary>
public static class ProductsApi
{
    /// <summary>The pointer switch and the revision writer (scoped: they use the request's record stores).</summary>
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.AddScoped<ProductSwitch>();
        services.AddScoped<RevisionWriter>();
        return services;
    }

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder routes)
    {
        var product = routes.MapGroup("/product").WithTags("Product pointers");
        product.MapPost("/revision/list", ListRevisions).RequireRole(Role.Viewer)
            .WithSummary("A product's revisions in a channel, in number order (oldest first), each with its snapshot; limit 1–100, default 20.");
        product.MapPost("/pointer/get", GetPointer).RequireRole(Role.Viewer)
            .WithSummary("Where a product's pointer stands in a channel: latest and pointed revision, online, who changed it and why; include_history pages its changes.");
        product.MapPost("/pointer/set", SetPointer).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Point a product at one of its revisions (older: rollback, newer: roll forward); the online flag stays unless online is given.");
        product.MapPost("/pointer/clear", ClearPointer).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Clear a product's pointer and take it offline.");
        product.MapPost("/online/set", SetOnline).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Take a product online at its pointer (409 no_pointer when it has none).");
        product.MapPost("/online/clear", ClearOnline).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Take a product offline; its pointer is kept.");
        var build = routes.MapGroup("/build").WithTags("Build");
        build.MapPost("/stats", Stats).RequireRole(Role.Viewer)
            .WithSummary("Per channel: revisions written, products online, the last run that finished; one channel, or every channel published in (paged).");
        return product;
    }

    public static async Task<Results<Ok<Page<ProductRevision>>, ProblemHttpResult>> ListRevisions(RevisionListRequest request,
        RecordStore<ProductRevision> revisions, RecordStore<ChannelProduct> products, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (product, problem) = await FindAsync(products, context, request, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        // Keys end in the zero-padded number, so key order is number order.
        var page = await revisions.ListAsync(orgcode,
            [StateFilter.Eq("channel_code", product!.Record.ChannelCode), StateFilter.Eq("style_guid", product.Record.StyleGuid)],
            request.Limit ?? ProductRequestRules.DefaultRevisionPage, request.NextToken, ct: ct);
        return TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> GetPointer(PointerGetRequest request, RecordStore<ChannelProduct> products,
        RequestContext context, CancellationToken ct)
    {
        var (product, problem) = await FindAsync(products, context, request, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        var history = request.IncludeHistory == true
            ? await products.HistoryAsync(context.RequireOrgcode(), product!.Record.Key, Paging.LimitOf(request), request.NextToken, ct)
            : null;
        return TypedResults.Ok(ProductPointerView.Of(product!.Record, history));
    }

    public static async Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> SetPointer(PointerSetRequest request, RecordStore<ChannelProduct> products,
        ProductSwitch @switch, IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var (product, problem) = await FindAsync(products, context, request, directory, ct);
        if (problem is not null)
        {
            return problem;
        }
        var p = product!.Record;
        return Answer(await @switch.SetPointerAsync(context.RequireOrgcode(), p.ChannelCode, p.StyleGuid, request.RevisionNo!.Value, request.Online,
            request.Reason!.Trim(), request.ExpectedRevision, ct));
    }

    public static async Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> ClearPointer(PointerClearRequest request, RecordStore<ChannelProduct> products,
        ProductSwitch @switch, RequestContext context, CancellationToken ct)
    {
        var (product, problem) = await FindAsync(products, context, request, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        var p = product!.Record;
        return Answer(await @switch.ClearPointerAsync(context.RequireOrgcode(), p.ChannelCode, p.StyleGuid, request.Reason!.Trim(), request.ExpectedRevision, ct));
    }

    public static Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> SetOnline(OnlineRequest request, RecordStore<ChannelProduct> products,
        ProductSwitch @switch, IOrgDirectory directory, RequestContext context, CancellationToken ct) =>
        SwitchOnlineAsync(request, true, products, @switch, directory, context, ct);

    public static Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> ClearOnline(OnlineRequest request, RecordStore<ChannelProduct> products,
        ProductSwitch @switch, RequestContext context, CancellationToken ct) =>
        SwitchOnlineAsync(request, false, products, @switch, null, context, ct);

    public static async Task<Results<Ok<Page<ChannelBuildStats>>, ProblemHttpResult>> Stats(BuildStatsRequest request, RecordStore<ChannelStats> stats,
        RecordStore<ChannelProduct> products, IOrgDirectory directory, IServiceProvider services, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var storefront = services.GetService<IStorefrontIndex>();
        // A channel named (body or header) answers for it alone; none answers for every channel the org published in.
        var named = request.ChannelCode is not null || context.ChannelCode is not null;
        var channel = ProductChannels.BodyOrHeader(request.ChannelCode, context);
        if (named && channel.Problem is not null)
        {
            return channel.Problem;
        }
        if (named && channel.Code is { } code)
        {
            if (request.NextToken is not null)
            {
                return ApiProblem.Validation("next_token", "pages the channels of the org; one channel is one page");
            }
            if (!channel.FromHeader && await ProductChannels.ProblemAsync(directory, orgcode, code, ct) is { } unknown)
            {
                return unknown;
            }
            var one = (await stats.GetAsync(orgcode, code, ct: ct))?.Record ?? new ChannelStats { ChannelCode = code };
            return TypedResults.Ok(new Page<ChannelBuildStats>([await FiguresAsync(one)], null));
        }
        var page = await stats.ListAsync(orgcode, limit: Paging.LimitOf(request), token: request.NextToken, ct: ct);
        var items = new List<ChannelBuildStats>(page.Items.Count);
        foreach (var s in page.Items)
        {
            items.Add(await FiguresAsync(s));
        }
        return TypedResults.Ok(new Page<ChannelBuildStats>(items, page.NextToken));

        async Task<ChannelBuildStats> FiguresAsync(ChannelStats s) =>
            new(s.ChannelCode, s.Revisions, await CountOnlineAsync(products, storefront, orgcode, s.ChannelCode, ct), s.LastRunGuid, s.LastRunFinishedAt);
    }

    /// <summary>
    /// Products online in a channel: the storefront index's count (it holds exactly the online products); in a host without
    /// one, the product records counted by the store over their (channel_code, online) index.
    /// </summary>
    private static async Task<long> CountOnlineAsync(RecordStore<ChannelProduct> products, IStorefrontIndex? storefront, string orgcode, string channelCode,
        CancellationToken ct)
    {
        if (storefront is not null)
        {
            return await storefront.CountOnlineAsync(orgcode, channelCode, ct);
        }
        return await products.CountAsync(orgcode, [StateFilter.Eq("channel_code", channelCode), StateFilter.Eq("online", true)], ct: ct);
    }

    private static async Task<Results<Ok<ProductPointerView>, ProblemHttpResult>> SwitchOnlineAsync(OnlineRequest request, bool online,
        RecordStore<ChannelProduct> products, ProductSwitch @switch, IOrgDirectory? directory, RequestContext context, CancellationToken ct)
    {
        var (product, problem) = await FindAsync(products, context, request, directory, ct);
        if (problem is not null)
        {
            return problem;
        }
        var p = product!.Record;
        return Answer(await @switch.SetOnlineAsync(context.RequireOrgcode(), p.ChannelCode, p.StyleGuid, online, RequestRules.Trimmed(request.Reason),
            request.ExpectedRevision, ct));
    }

    private static Results<Ok<ProductPointerView>, ProblemHttpResult> Answer(SwitchResult result) =>
        result.Problem is not null ? result.Problem : TypedResults.Ok(ProductPointerView.Of(result.Products[0]));

    /// <summary>
    /// The product a request names in its channel, or 404 when it was never published there. With a
    /// <paramref name="directory"/> (a change that takes a product online), a channel named in the body must be an active
    /// sales channel of the org (422 <c>unknown_reference</c>); the header was checked on the way in.
    /// </summary>
    private static async Task<(Loaded<ChannelProduct>? Product, ProblemHttpResult? Problem)> FindAsync(RecordStore<ChannelProduct> products,
        RequestContext context, IProductRef request, IOrgDirectory? directory, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, fromHeader, problem) = ProductChannels.BodyOrHeader(request.ChannelCode, context);
        if (problem is not null)
        {
            return (null, problem);
        }
        if (directory is not null && !fromHeader && await ProductChannels.ProblemAsync(directory, orgcode, channel!, ct) is { } unknown)
        {
            return (null, unknown);
        }
        var product = request.StyleGuid is { } guid
            ? await products.GetAsync(orgcode, ChannelProduct.KeyOf(channel!, guid.Trim().ToLowerInvariant()), ct: ct)
            : await products.FindAsync(orgcode, ChannelProduct.StyleCodeName, $"{channel}:{Codes.Normalize(request.StyleCode)}", ct);
        return product is null
            ? (null, ApiProblem.NotFound($"The product {request.StyleGuid ?? Codes.Normalize(request.StyleCode)} was never published in channel '{channel}'."))
            : (product, null);
    }
}

/// <summary>The sales channel a request is for: body <c>channel_code</c>, else the <c>x-channel-code</c> header.</summary>
public static class ProductChannels
{
    public static (string? Code, bool FromHeader, ProblemHttpResult? Problem) BodyOrHeader(string? body, RequestContext context)
    {
        var fromBody = string.IsNullOrWhiteSpace(body) ? null : Codes.Normalize(body);
        var fromHeader = string.IsNullOrWhiteSpace(context.ChannelCode) ? null : Codes.Normalize(context.ChannelCode);
        if (fromBody is not null && fromHeader is not null && fromBody != fromHeader)
        {
            return (null, false, ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "The body and the header disagree.",
                $"channel_code '{fromBody}' differs from x-channel-code '{fromHeader}'; send one, or the same in both."));
        }
        if (fromBody is null && fromHeader is null)
        {
            return (null, false, ApiProblem.Validation("channel_code", "is required (or send the x-channel-code header)"));
        }
        return (fromBody ?? fromHeader, fromBody is null, null);
    }

    /// <summary>Null when <paramref name="channelCode"/> is an active sales channel of the org; else 422 <c>unknown_reference</c> (or 503).</summary>
    public static async Task<ProblemHttpResult?> ProblemAsync(IOrgDirectory directory, string orgcode, string channelCode, CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, new ContextCodes(null, channelCode, null), ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : PmcProblems.UnknownReference("channel_code", $"No active sales channel '{channelCode}' in this org.");
    }
}
