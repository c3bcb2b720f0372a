namespace Retail.Utl;

/// <summary>Changes to UTL's own records from workflow activities, on the latest revision (another writer may have come in between).</summary>
public static class UtlRecords
{
    /// <summary>
    /// Applies <paramref name="change"/> to the record as it stands (no org scope) and writes it; <paramref name="change"/>
    /// answering null means nothing to do. Retried on a revision conflict. Answers the record as it stands after.
    /// </summary>
    public static async Task<T?> ChangeAsync<T>(RecordStore<T> store, string key, Func<T, (T Next, IEnumerable<DomainEvent>? Events)?> change,
        string op = "updated", CancellationToken ct = default) where T : Record
    {
        for (var attempt = 0; attempt < 32; attempt++)
        {
            var loaded = await store.GetAsync(null, key, ct: ct);
            if (loaded is null)
            {
                return null;
            }
            if (change(loaded.Record) is not { } next)
            {
                return loaded.Record;
            }
            var write = await store.UpdateAsync(null, loaded, next.Next, op, next.Events, ct);
            if (write.Succeeded)
            {
                return write.Record;
            }
        }
        throw new InvalidOperationException($"{typeof(T).Name} {key} kept changing");
    }
}
