using Retail.Pmc.Storefront;

namespace Retail.Pmc.Products;

/// <summary>What a switch did: written, or the problem that stopped all of it (nothing changed then).</summary>
public sealed record SwitchResult(ProblemHttpResult? Problem, IReadOnlyList<ChannelProduct> Products)
{
    public static SwitchResult Refused(ProblemHttpResult problem) => new(problem, []);
}

/// <summary>
/// Moves pointers and takes products online. Every pointer write of PMC goes through here (pointer/online endpoints,
/// pack complete, a run's go-online finish), so the storefront read side is told the same way each time: the
/// <see cref="ChannelProduct"/> changes and their event commit in one transaction, then <see cref="IStorefrontIndex"/>
/// hears of them directly (read-your-writes); its subscribers to the same events are the durable path.
/// </summary>
public sealed class ProductSwitch(RecordStore<ProductRevision> revisions, RecordStore<ChannelProduct> products, RequestContext context,
    IServiceProvider services, ILogger<ProductSwitch> logger)
{
    /// <summary>How often a switch reads again after a concurrent change of one of its products.</summary>
    public const int Attempts = 5;

    /// <summary>Keys read per round trip when a pack's records are loaded.</summary>
    private const int Chunk = 500;

    private readonly IStorefrontIndex? _storefront = services.GetService<IStorefrontIndex>();

    /// <summary>
    /// Sets each item's pointer to its revision and takes it online, all in ONE state transaction together with whatever
    /// <paramref name="stageExtra"/> stages in the same batch (a pack's or a run's own record), with
    /// <c>pmc.pack.completed</c>; then tells the storefront index. Each item's revision must exist (else 422
    /// <c>unknown_revision</c> and nothing changes). A concurrent change of one of the products is retried a few times
    /// (<paramref name="stageExtra"/> is then called again, with the new batch); a conflict on the record
    /// <paramref name="stageExtra"/> staged is answered as its problem (409 <c>revision_mismatch</c>), nothing changed.
    /// </summary>
    public async Task<SwitchResult> GoOnlineAsync(string orgcode, string channelCode, string packGuid, IReadOnlyList<PackItem> items,
        Func<RecordBatch, CancellationToken, Task<ProblemHttpResult?>> stageExtra, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return SwitchResult.Refused(ApiProblem.Validation("items", "names no product"));
        }
        if (items.GroupBy(i => i.StyleGuid, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return SwitchResult.Refused(ApiProblem.Validation("items", $"names the product {twice.Key} more than once"));
        }
        var byKey = new Dictionary<string, ProductRevision>(StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(Chunk))
        {
            foreach (var revision in await revisions.GetManyAsync(orgcode, chunk.Select(i => ProductRevision.KeyOf(channelCode, i.StyleGuid, i.RevisionNo)).ToList(), ct: ct))
            {
                byKey[revision.Key] = revision;
            }
        }
        var missing = items.Select((item, index) => (Item: item, Index: index))
            .FirstOrDefault(x => !byKey.ContainsKey(ProductRevision.KeyOf(channelCode, x.Item.StyleGuid, x.Item.RevisionNo)));
        if (missing.Item is not null)
        {
            return SwitchResult.Refused(PmcProblems.UnknownRevision(
                $"The product {missing.Item.StyleGuid} has no revision {missing.Item.RevisionNo} in channel '{channelCode}'.",
                items.Count == 1 ? "revision_no" : $"items[{missing.Index}].revision_no"));
        }

        var reason = $"pack {packGuid}";
        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = new Dictionary<string, Loaded<ChannelProduct>>(StringComparer.Ordinal);
            foreach (var chunk in items.Chunk(Chunk))
            {
                foreach (var (key, loaded) in await products.LoadManyAsync(orgcode, chunk.Select(i => ChannelProduct.KeyOf(channelCode, i.StyleGuid)).ToList(), ct))
                {
                    current[key] = loaded;
                }
            }
            // A revision is written with its product record, so a product without one is a revision it does not have.
            if (items.Select((item, index) => (Item: item, Index: index)).FirstOrDefault(x => !current.ContainsKey(ChannelProduct.KeyOf(channelCode, x.Item.StyleGuid)))
                is { Item: not null } orphan)
            {
                return SwitchResult.Refused(PmcProblems.UnknownRevision($"The product {orphan.Item.StyleGuid} is not in channel '{channelCode}'.",
                    items.Count == 1 ? "revision_no" : $"items[{orphan.Index}].revision_no"));
            }

            var batch = new RecordBatch();
            var staged = new List<ChannelProduct>(items.Count);
            var completed = items.Select(i => current[ChannelProduct.KeyOf(channelCode, i.StyleGuid)])
                .Select((loaded, index) => new PackCompletedItem(loaded.Record.StyleGuid, loaded.Record.StyleCode, items[index].RevisionNo, loaded.Record.Revision + 1))
                .ToList();
            for (var i = 0; i < items.Count; i++)
            {
                var loaded = current[ChannelProduct.KeyOf(channelCode, items[i].StyleGuid)];
                // The pack's event rides on its last product's change: one message for the whole switch.
                IEnumerable<DomainEvent>? events = i == items.Count - 1
                    ? [new DomainEvent(PmcEvents.PackCompleted, new PackCompleted(orgcode, packGuid, channelCode, completed), $"pack/{packGuid}")]
                    : null;
                staged.Add(products.Update(batch, orgcode, loaded, Switched(loaded.Record, items[i].RevisionNo, true, reason), events: events));
            }
            if (await stageExtra(batch, ct) is { } refused)
            {
                return SwitchResult.Refused(refused);
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                await TellStorefrontAsync(orgcode, staged, byKey, ct);
                return new SwitchResult(null, staged);
            }
            lost = write.Problem();
            if (write.Outcome != RecordWriteOutcome.RevisionMismatch || write.Entity != products.Entity)
            {
                return SwitchResult.Refused(lost);
            }
        }
        return SwitchResult.Refused(lost!);
    }

    /// <summary>
    /// Points the product at <paramref name="revisionNo"/> (older: rollback, newer: roll forward); the online flag stays
    /// as it is unless <paramref name="online"/> says otherwise. The revision must exist (422 <c>unknown_revision</c>).
    /// </summary>
    public async Task<SwitchResult> SetPointerAsync(string orgcode, string channelCode, string styleGuid, int revisionNo, bool? online, string? reason,
        long? expectedRevision, CancellationToken ct)
    {
        var revision = await revisions.GetAsync(orgcode, ProductRevision.KeyOf(channelCode, styleGuid, revisionNo), ct: ct);
        if (revision is null)
        {
            return SwitchResult.Refused(PmcProblems.UnknownRevision($"The product {styleGuid} has no revision {revisionNo} in channel '{channelCode}'."));
        }
        return await ChangeAsync(orgcode, channelCode, styleGuid, expectedRevision,
            p => (Switched(p, revisionNo, online ?? p.Online, reason), null), revision.Record, ct);
    }

    /// <summary>Clears the pointer and takes the product offline.</summary>
    public Task<SwitchResult> ClearPointerAsync(string orgcode, string channelCode, string styleGuid, string? reason, long? expectedRevision,
        CancellationToken ct) =>
        ChangeAsync(orgcode, channelCode, styleGuid, expectedRevision, p => (Switched(p, null, false, reason), null), null, ct);

    /// <summary>Takes the product online at its pointer (409 <c>no_pointer</c> when it has none), or offline keeping the pointer.</summary>
    public Task<SwitchResult> SetOnlineAsync(string orgcode, string channelCode, string styleGuid, bool online, string? reason, long? expectedRevision,
        CancellationToken ct) =>
        ChangeAsync(orgcode, channelCode, styleGuid, expectedRevision, p => online && p.PointerRevisionNo is null
            ? (null, PmcProblems.NoPointer($"The product {p.StyleCode} has no revision pointer in channel '{channelCode}'; set one first."))
            : (Switched(p, p.PointerRevisionNo, online, reason), null), null, ct);

    /// <summary>
    /// One product's change: read, decide, write with its <c>pmc.product.online_changed</c> in one transaction. With
    /// <paramref name="expectedRevision"/> the caller's read is the base (stale: 409); without, a lost race reads again.
    /// </summary>
    private async Task<SwitchResult> ChangeAsync(string orgcode, string channelCode, string styleGuid, long? expectedRevision,
        Func<ChannelProduct, (ChannelProduct? Next, ProblemHttpResult? Problem)> decide, ProductRevision? knownRevision, CancellationToken ct)
    {
        var key = ChannelProduct.KeyOf(channelCode, styleGuid);
        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await products.GetAsync(orgcode, key, ct: ct);
            if (current is null)
            {
                return SwitchResult.Refused(ApiProblem.NotFound($"The product {styleGuid} was never published in channel '{channelCode}'."));
            }
            if (expectedRevision is not null && current.Record.Revision != expectedRevision)
            {
                return SwitchResult.Refused(ApiProblem.RevisionMismatch(current.Record.Revision));
            }
            var (next, refused) = decide(current.Record);
            if (refused is not null)
            {
                return SwitchResult.Refused(refused);
            }
            var changed = new ProductOnlineChanged(orgcode, channelCode, styleGuid, current.Record.StyleCode, next!.PointerRevisionNo, next.Online,
                current.Record.Revision + 1, next.Reason);
            var write = await products.UpdateAsync(orgcode, current, next, events: [new DomainEvent(PmcEvents.ProductOnlineChanged, changed)], ct: ct);
            if (write.Succeeded)
            {
                var product = write.Record!;
                var served = product is { Online: true, PointerRevisionNo: { } no }
                    ? (knownRevision?.RevisionNo == no ? knownRevision : (await revisions.GetAsync(orgcode, ProductRevision.KeyOf(channelCode, styleGuid, no), ct: ct))?.Record)
                    : null;
                await TellStorefrontAsync(orgcode, [product], served is null ? [] : new Dictionary<string, ProductRevision> { [served.Key] = served }, ct);
                return new SwitchResult(null, [product]);
            }
            lost = write.Problem();
            if (expectedRevision is not null || write.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                break;
            }
        }
        return SwitchResult.Refused(lost!);
    }

    private ChannelProduct Switched(ChannelProduct product, int? pointer, bool online, string? reason) =>
        product with { PointerRevisionNo = pointer, Online = online, Reason = reason, ChangedBy = context.Principal?.Id ?? "system" };

    /// <summary>
    /// The committed change, told to the storefront index when this host has one. The write already holds: if telling
    /// fails, the index catches up from the events it subscribes to, so the caller still gets the write's answer.
    /// </summary>
    private async Task TellStorefrontAsync(string orgcode, IReadOnlyList<ChannelProduct> changed, IReadOnlyDictionary<string, ProductRevision> served,
        CancellationToken ct)
    {
        if (_storefront is null)
        {
            return;
        }
        var entries = changed.Select(p => new StorefrontEntry(orgcode, p,
                p is { Online: true, PointerRevisionNo: { } no } && served.TryGetValue(ProductRevision.KeyOf(p.ChannelCode, p.StyleGuid, no), out var r) ? r : null))
            .ToList();
        try
        {
            await _storefront.ApplyAsync(entries, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The storefront index was not told of {Count} product change(s) of {Orgcode}; its event subscribers will apply them", entries.Count, orgcode);
        }
    }
}
