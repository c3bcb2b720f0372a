using System.Text.Json;
using Retail.Pvm.Brands;
using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Links;
using Retail.Pvm.Options;
using Retail.Pvm.Suppliers;
using Retail.Pvm.Taxonomy;
using Retail.Shared.Json;

namespace Retail.Pvm.Records;

/// <summary>One kind of PVM record as <c>/history</c> and <c>/status</c> see it: found by its key (or its code), and its history.</summary>
public interface IPvmRecordQueries
{
    /// <summary>The record of this org with this key, or (for a coded record) this code; doomed ones too.</summary>
    Task<Record?> FindAsync(string orgcode, string key, CancellationToken ct);

    Task<Page<HistoryEntry>> HistoryAsync(string orgcode, string key, int limit, string? token, CancellationToken ct);
}

/// <summary>The queries over <typeparamref name="T"/>'s own store; a coded record is also found by its code.</summary>
public sealed class PvmRecordQueries<T>(RecordStore<T> store, string? codeName) : IPvmRecordQueries where T : Record
{
    public async Task<Record?> FindAsync(string orgcode, string key, CancellationToken ct)
    {
        if (await store.GetAsync(orgcode, key, includeDoomed: true, ct) is { } byKey)
        {
            return byKey.Record;
        }
        return codeName is null ? null : (await store.FindAsync(orgcode, codeName, Codes.Normalize(key), ct))?.Record;
    }

    public Task<Page<HistoryEntry>> HistoryAsync(string orgcode, string key, int limit, string? token, CancellationToken ct) =>
        store.HistoryAsync(orgcode, key, limit, token, ct);
}

/// <summary>Every PVM entity <c>/history</c> and <c>/status</c> answer for, each mapped to its record store.</summary>
public static class PvmRecords
{
    private static readonly Dictionary<string, Func<IServiceProvider, IPvmRecordQueries>> Registry = new(StringComparer.Ordinal)
    {
        [Vendor.Type.Entity] = Coded<Vendor>,
        [Manufacturer.Type.Entity] = Coded<Manufacturer>,
        [Brand.Type.Entity] = Coded<Brand>,
        [BrandLink.Type.Entity] = Keyed<BrandLink>,
        [Division.Type.Entity] = Coded<Division>,
        [Department.Type.Entity] = Coded<Department>,
        [Category.Type.Entity] = Coded<Category>,
        [Season.Type.Entity] = Coded<Season>,
        [OptionGroup.Type.Entity] = Coded<OptionGroup>,
        [Option.Type.Entity] = Coded<Option>,
        [Ogm.Type.Entity] = Coded<Ogm>,
        [Style.Type.Entity] = Coded<Style>,
        [Variant.Type.Entity] = Coded<Variant>,
        [Identifier.Type.Entity] = Keyed<Identifier>,
        [Barcode.Type.Entity] = Keyed<Barcode>,
        [Alias.Type.Entity] = Keyed<Alias>,
        [Kit.Type.Entity] = Keyed<Kit>,
        [VariantLink.Type.Entity] = Keyed<VariantLink>,
    };

    public static IReadOnlyCollection<string> Entities => Registry.Keys;

    public static bool IsEntity(string? entity) => entity is not null && Registry.ContainsKey(entity);

    public static IPvmRecordQueries For(IServiceProvider services, string entity) => Registry[entity](services);

    /// <summary>The record's lifecycle status where it has one (<c>status</c>), else "live"; as the API writes it.</summary>
    public static string StatusOf(Record record)
    {
        var json = JsonSerializer.SerializeToElement(record, record.GetType(), RetailJson.Storage);
        return json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString()! : "live";
    }

    private static PvmRecordQueries<T> Coded<T>(IServiceProvider services) where T : Record, ICodedRecord<T> =>
        new(services.GetRequiredService<RecordStore<T>>(), T.CodeName);

    private static PvmRecordQueries<T> Keyed<T>(IServiceProvider services) where T : Record =>
        new(services.GetRequiredService<RecordStore<T>>(), null);
}
