using System.Net;
using System.Text.Json.Serialization;
using Retail.Shared.Events;
using Retail.Shared.Invocation;

namespace Retail.Ics.Catalog;

/// <summary>What an operation needs of the variant it names.</summary>
public enum VariantNeed
{
    /// <summary>PVM knows it, whatever its status.</summary>
    Known,

    /// <summary>Known and not retired.</summary>
    NotRetired,

    /// <summary>Known and active (sellable).</summary>
    Active,
}

/// <summary>A component of a kit as ICS reserves it: one kit holds <see cref="Quantity"/> of the variant.</summary>
public sealed record KitPart(string VariantGuid, int Quantity);

/// <summary>
/// ICS's own projection of a PVM variant (keyed by its guid): what stock operations check, read by key on every hot path
/// instead of calling PVM. Kept current by PVM's events (<c>pvm.variant.*</c>, <c>pvm.kit.changed</c>); each keeps the
/// newest revision it has seen, so a late or repeated delivery changes nothing.
/// </summary>
public sealed record CatalogVariant : Record
{
    public required string VariantGuid { get; init; }

    public string? VariantCode { get; init; }

    public string? StyleGuid { get; init; }

    /// <summary>PVM's lifecycle status (draft, active, discontinued, retired).</summary>
    public string? Status { get; init; }

    public bool IsKit { get; init; }

    public IReadOnlyList<KitPart> Components { get; init; } = [];

    /// <summary>The PVM variant revision this projection holds (0: only the kit composition is known yet).</summary>
    public long VariantRevision { get; init; }

    public long KitRevision { get; init; }

    [JsonIgnore]
    public override string Key => VariantGuid;

    [JsonIgnore]
    public bool IsActive => Status == "active";

    public static RecordType<CatalogVariant> Type { get; } = new RecordType<CatalogVariant>("catalog_variant").Derived();
}

/// <summary>
/// The variants ICS knows. <see cref="GetAsync"/> reads the projection by key; a variant PVM has not told ICS about yet
/// (an event still on its way) is asked of PVM once (<c>/variant/get</c>, then kept), so a write naming a fresh variant
/// does not fail. Hot paths never call PVM for a variant already known.
/// </summary>
public sealed class VariantCatalog(RecordStore<CatalogVariant> store, IServiceInvoker invoker)
{
    public const string PvmAppId = "pvm";

    /// <summary>The variant, or null when PVM does not know it in this org. Throws <see cref="DependencyUnavailableException"/> when PVM cannot answer.</summary>
    public async Task<CatalogVariant?> GetAsync(string orgcode, string variantGuid, CancellationToken ct = default)
    {
        if (!Guid.TryParse(variantGuid, out _))
        {
            return null;
        }
        var known = await store.GetAsync(orgcode, variantGuid, ct: ct);
        if (known is { Record.VariantRevision: > 0 })
        {
            return known.Record;
        }
        var answer = await invoker.InvokeAsync(PvmAppId, "/variant/get", new { variant_guid = variantGuid }, new InvocationOptions(orgcode), ct);
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!answer.IsSuccess)
        {
            throw new DependencyUnavailableException("The product service (PVM)");
        }
        var variant = answer.ReadAs<VariantChanged>();
        await ApplyAsync(orgcode, variant, ct);
        return (await store.GetAsync(orgcode, variantGuid, ct: ct))?.Record;
    }

    /// <summary>
    /// The variant a request names, checked for what the operation needs of it: null and the 422 naming
    /// <paramref name="field"/> when PVM does not know it (<c>unknown_reference</c>) or its status does not serve
    /// (<c>reference_not_active</c>). Stock of a retired variant may still be moved or written off (<see cref="VariantNeed.Known"/>);
    /// none is received (<see cref="VariantNeed.NotRetired"/>); only an active one is held or transferred (<see cref="VariantNeed.Active"/>).
    /// </summary>
    public async Task<(CatalogVariant? Variant, ProblemHttpResult? Problem)> CheckAsync(string orgcode, string variantGuid, string field,
        VariantNeed need, CancellationToken ct = default)
    {
        var variant = await GetAsync(orgcode, variantGuid, ct);
        if (variant is null)
        {
            return (null, IcsProblems.UnknownReference(field, $"No variant '{variantGuid}' in this org."));
        }
        var serves = need switch
        {
            VariantNeed.Active => variant.IsActive,
            VariantNeed.NotRetired => variant.Status != "retired",
            _ => true,
        };
        return serves
            ? (variant, null)
            : (null, IcsProblems.ReferenceNotActive(field, $"Variant '{variant.VariantCode ?? variantGuid}' is {variant.Status ?? "not active"}."));
    }

    /// <summary>As <see cref="CheckAsync"/> for each of several variants; the first problem, or null.</summary>
    public async Task<ProblemHttpResult?> ProblemAsync(string orgcode, IEnumerable<string> variantGuids, string field, VariantNeed need,
        CancellationToken ct = default)
    {
        foreach (var guid in variantGuids.Distinct(StringComparer.Ordinal))
        {
            if ((await CheckAsync(orgcode, guid, field, need, ct)).Problem is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    /// <summary>Several variants by guid, each as <see cref="GetAsync"/>; answers the ones that exist.</summary>
    public async Task<IReadOnlyDictionary<string, CatalogVariant>> GetManyAsync(string orgcode, IEnumerable<string> variantGuids, CancellationToken ct = default)
    {
        var found = new Dictionary<string, CatalogVariant>(StringComparer.Ordinal);
        foreach (var guid in variantGuids.Distinct(StringComparer.Ordinal))
        {
            if (await GetAsync(orgcode, guid, ct) is { } variant)
            {
                found[guid] = variant;
            }
        }
        return found;
    }

    /// <summary>Keeps a variant snapshot unless the projection already holds the same or a newer revision.</summary>
    public Task ApplyAsync(string orgcode, VariantChanged changed, CancellationToken ct = default) => ApplyAsync([new OrgEvent<VariantChanged>(orgcode, changed)], ct);

    /// <summary>Keeps each variant snapshot of a batch (in the order given) unless the projection holds the same or a newer revision: one commit.</summary>
    public Task ApplyAsync(IReadOnlyList<OrgEvent<VariantChanged>> changes, CancellationToken ct = default) =>
        store.KeepNewestAsync(changes.Select(c => new NewestSnapshot<CatalogVariant>(c.Orgcode, c.Payload.VariantGuid,
            current => current.VariantRevision >= c.Payload.Revision,
            current => (current ?? new CatalogVariant { VariantGuid = c.Payload.VariantGuid }) with
            {
                VariantCode = c.Payload.VariantCode,
                StyleGuid = c.Payload.StyleGuid,
                Status = c.Payload.Status,
                IsKit = c.Payload.IsKit,
                VariantRevision = c.Payload.Revision,
            })).ToList(), ct);

    /// <summary>Keeps a kit's composition unless the projection already holds the same or a newer kit revision.</summary>
    public Task ApplyAsync(string orgcode, KitChanged changed, CancellationToken ct = default) =>
        store.KeepNewestAsync(orgcode, changed.KitVariantGuid, current => current.KitRevision >= changed.Revision,
            current => (current ?? new CatalogVariant { VariantGuid = changed.KitVariantGuid, IsKit = true }) with
            {
                Components = changed.Components.Select(c => new KitPart(c.VariantGuid, c.Quantity)).ToList(),
                KitRevision = changed.Revision,
            }, ct);
}

/// <summary>PVM's variant snapshot as ICS reads it (the fields it keeps); also the shape of <c>/pvm/variant/get</c>.</summary>
public sealed record VariantChanged(string VariantGuid, string? VariantCode, string? StyleGuid, string? Status, bool IsKit, long Revision);

public sealed record KitChangedPart(string VariantGuid, int Quantity);

/// <summary>PVM's <c>pvm.kit.changed</c>: the kit's whole composition.</summary>
public sealed record KitChanged(string KitVariantGuid, IReadOnlyList<KitChangedPart> Components, long Revision);


/// <summary>PVM's variant and kit events, applied to the projection (Dapr <c>.WithTopic</c> subscribers; the embedded bus delivers the same).</summary>
public static class CatalogSubscribers
{
    public static readonly string[] VariantTopics = ["pvm.variant.created", "pvm.variant.updated", "pvm.variant.status_changed"];
    public const string KitTopic = "pvm.kit.changed";

    /// <summary>One event or a bulk delivery of them, applied in one commit.</summary>
    public static Task<IResult> OnVariantChanged(HttpContext http, VariantCatalog catalog, CancellationToken ct) =>
        OrgEventBatches.TakeAsync<VariantChanged>(http, changed => changed.VariantGuid is not null, catalog.ApplyAsync, ct);

    public static async Task<Results<Ok, BadRequest>> OnKitChanged(HttpContext http, VariantCatalog catalog, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<KitChanged>(http, ct);
        if (orgcode is null || changed is not { KitVariantGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await catalog.ApplyAsync(orgcode, changed, ct);
        return TypedResults.Ok();
    }
}
