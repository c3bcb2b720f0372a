using Retail.Crm.Merge;

namespace Retail.Crm.Customers;

/// <summary>
/// A merge combines consents to the most restrictive per purpose (<see cref="ConsentRules.Combine"/>): the survivor's record
/// takes each purpose the merged customer recorded unless its own entry is stricter or newer; each purpose that changes is
/// a change record with <c>merged_from</c> and a <c>consent.changed</c> event. The merged customer's record is marked
/// <c>merged_into</c> (created if it had none), which takes it out of the consent index and makes a racing consent change
/// on it fail its ETag check.
/// </summary>
internal sealed class ConsentMergeParticipant(RecordStore<CustomerConsent> consents, RecordStore<ConsentChange> changes) : ICustomerMergeParticipant
{
    public string Name => "consent";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var loaded = await consents.LoadManyAsync(orgcode, [survivor.CustomerGuid, merged.CustomerGuid], ct);
        var from = loaded.GetValueOrDefault(merged.CustomerGuid);
        var into = loaded.GetValueOrDefault(survivor.CustomerGuid);
        if (from is null)
        {
            consents.Create(batch, orgcode, new CustomerConsent { CustomerGuid = merged.CustomerGuid, MergedInto = survivor.CustomerGuid });
            return null;
        }
        consents.Update(batch, orgcode, from, from.Record with { MergedInto = survivor.CustomerGuid }, "merged");

        var purposes = into?.Record.Purposes ?? [];
        var moved = new List<ConsentChange>();
        foreach (var entry in from.Record.Purposes)
        {
            var mine = purposes.FirstOrDefault(p => p.Purpose == entry.Purpose);
            var combined = ConsentRules.Combine(mine, entry);
            if (ReferenceEquals(combined, mine))
            {
                continue;
            }
            purposes = [.. purposes.Where(p => p.Purpose != entry.Purpose).Append(combined).OrderBy(p => p.Purpose)];
            moved.Add(ConsentChange.Of(survivor.CustomerGuid, combined, mine?.Status, merged.CustomerGuid));
        }
        if (moved.Count == 0)
        {
            return null;
        }
        var next = into is null
            ? new CustomerConsent { CustomerGuid = survivor.CustomerGuid, Purposes = purposes, Revision = 1 }
            : into.Record with { Purposes = purposes, Revision = into.Record.Revision + 1 };
        var events = moved.Select(c => ConsentChanged.Of(orgcode, next, c)).ToList();
        if (into is null)
        {
            consents.Create(batch, orgcode, next, events);
        }
        else
        {
            consents.Update(batch, orgcode, into, next, "merged", events);
        }
        foreach (var change in moved)
        {
            changes.Create(batch, orgcode, change);
        }
        return new { purposes = moved.Select(c => Retail.Shared.Json.SnakeCase.Name(c.Purpose)).ToList() };
    }
}

/// <summary>
/// A merge unions flags: every flag of the merged customer the survivor lacks is added as it was set (who, when, note),
/// each with a change record naming <c>merged_from</c>. The merged customer's flags record is marked <c>merged_into</c>
/// (created if it had none): it leaves the flag index, keeps its flags for history, and a racing flag change fails.
/// </summary>
internal sealed class FlagsMergeParticipant(RecordStore<CustomerFlags> flags, RecordStore<FlagChange> changes, RequestContext context)
    : ICustomerMergeParticipant
{
    public string Name => "flags";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var loaded = await flags.LoadManyAsync(orgcode, [survivor.CustomerGuid, merged.CustomerGuid], ct);
        var from = loaded.GetValueOrDefault(merged.CustomerGuid);
        var into = loaded.GetValueOrDefault(survivor.CustomerGuid);
        if (from is null)
        {
            flags.Create(batch, orgcode, new CustomerFlags { CustomerGuid = merged.CustomerGuid, MergedInto = survivor.CustomerGuid });
            return null;
        }
        flags.Update(batch, orgcode, from, from.Record with { MergedInto = survivor.CustomerGuid }, "merged");

        var held = into?.Record.Flags ?? [];
        var added = from.Record.Flags.Where(f => held.All(h => h.Code != f.Code)).ToList();
        if (added.Count == 0)
        {
            return null;
        }
        // The union may pass the per-customer limit: a merge never drops a flag; the limit applies to the next flag set.
        IReadOnlyList<FlagEntry> union = [.. held, .. added];
        var next = into is null
            ? new CustomerFlags { CustomerGuid = survivor.CustomerGuid, Flags = union, Revision = 1 }
            : into.Record with { Flags = union, Revision = into.Record.Revision + 1 };
        var by = context.Principal?.Id ?? CrmModule.Id;
        var moved = added.Select(f => FlagChange.Of(survivor.CustomerGuid, f.Code, FlagAction.Set, f.Note, by, merged.CustomerGuid)).ToList();
        var events = moved.Select(c => CustomerFlagChanged.Of(orgcode, next, c)).ToList();
        if (into is null)
        {
            flags.Create(batch, orgcode, next, events);
        }
        else
        {
            flags.Update(batch, orgcode, into, next, "merged", events);
        }
        foreach (var change in moved)
        {
            changes.Create(batch, orgcode, change);
        }
        return new { flags = added.Select(f => f.Code).ToList() };
    }
}
