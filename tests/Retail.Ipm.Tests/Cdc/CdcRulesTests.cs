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
}
