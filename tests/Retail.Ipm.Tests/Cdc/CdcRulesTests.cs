using Retail.Ipm.Cdc;

namespace Retail.Ipm.Tests.Cdc;

public sealed class CdcRulesTests
{
    [Fact]
    public void A_filter_is_a_set_of_types_so_order_and_repeats_do_not_change_its_hash()
    {
        Assert.Equal(CdcCursors.FilterHash(["pvm.style", "crm.customer"]), CdcCursors.FilterHash(["crm.customer", "pvm.style", "crm.customer"]));
        Assert.NotEqual(CdcCursors.FilterHash(["pvm.style"]), CdcCursors.FilterHash([]));
    }

    [Fact]
    public void A_change_is_identified_by_app_entity_key_and_revision_and_a_record_by_app_entity_and_key()
    {
        Assert.Equal(CdcEntry.ChangeIdOf("crm", "customer", "k", 2), CdcEntry.ChangeIdOf("crm", "customer", "k", 2));
        Assert.NotEqual(CdcEntry.ChangeIdOf("crm", "customer", "k", 2), CdcEntry.ChangeIdOf("crm", "customer", "k", 3));
        Assert.NotEqual(CdcEntry.ChangeIdOf("crm", "customer", "k", 2), CdcEntry.ChangeIdOf("pvm", "customer", "k", 2));
        // Any key (long, or holding the store's separator) becomes a key the store takes.
        Assert.DoesNotContain('|', CdcEntry.RecordRefOf("crm", "customer", "a|b"));
        Assert.True(CdcEntry.ChangeIdOf("crm", "customer", new string('x', 500), 1).Length <= 128);
    }

    [Fact]
    public void Changes_of_records_made_in_time_order_have_keys_in_that_order_and_odd_keys_become_hashes_no_plain_key_can_equal()
    {
        // Retail's ids are time-ordered, so a burst of creations appends to the log's key range.
        var ids = Enumerable.Range(0, 50).Select(_ => Retail.Shared.Ids.New()).ToList();
        var keys = ids.Select(id => CdcEntry.ChangeIdOf("ics", "movement", id, 1)).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal($"ics.movement:{ids[0]}:000000000001", keys[0]);
        Assert.Equal($"ics.movement:{ids[0]}", CdcEntry.RecordRefOf("ics", "movement", ids[0]));

        var hashed = CdcEntry.RecordRefOf("crm", "customer", "a|b");
        Assert.StartsWith("crm.customer:#", hashed, StringComparison.Ordinal);
        // A key that begins with '#' is hashed too, so it cannot pose as another key's hash.
        var posing = hashed["crm.customer:".Length..];
        Assert.NotEqual(hashed, CdcEntry.RecordRefOf("crm", "customer", posing));
        Assert.StartsWith("crm.customer:#", CdcEntry.RecordRefOf("crm", "customer", posing), StringComparison.Ordinal);
        Assert.NotEqual(CdcEntry.RecordRefOf("crm", "customer", new string('x', 97)), CdcEntry.RecordRefOf("crm", "customer", new string('x', 98)));

        // However long the app, entity and record key, a change's key stays within what the record store takes (a longer
        // one it would never find, so a redelivery could not be told): the longest plain one, and one char more, hashed.
        var entity = "webhook_destination_health";
        var longest = new string('k', CdcEntry.MaxKeyLength - "ipm.".Length - entity.Length - 1 - 13);
        Assert.Equal(CdcEntry.MaxKeyLength, CdcEntry.ChangeIdOf("ipm", entity, longest, 7).Length);
        Assert.Contains(longest, CdcEntry.ChangeIdOf("ipm", entity, longest, 7), StringComparison.Ordinal);
        Assert.True(CdcEntry.ChangeIdOf("ipm", entity, longest + "k", 7).Length <= CdcEntry.MaxKeyLength);
        Assert.Contains(":#", CdcEntry.ChangeIdOf("ipm", entity, longest + "k", 7), StringComparison.Ordinal);
    }
}
