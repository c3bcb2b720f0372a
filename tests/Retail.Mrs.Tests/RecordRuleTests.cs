using Retail.Mrs.Records;

namespace Retail.Mrs.Tests;

/// <summary>An upload record becomes ready once, at complete; a record is served until it is doomed or expires.</summary>
public sealed class RecordRuleTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static MrsRecord Record(DateTimeOffset? expiresAt = null, DateTimeOffset? doomedAt = null) => new()
    {
        RecordGuid = "0190f3a2-0000-7000-8000-000000000001",
        ContentType = "application/json",
        Md5 = MrsRecord.Md5Hex("{}"),
        ExpiresAt = expiresAt,
        DoomedAt = doomedAt,
    };

    [Fact]
    public void a_pending_upload_becomes_ready_and_a_ready_record_never_moves_again()
    {
        Assert.True(MrsRecord.Lifecycle.CanMove(RecordStatus.PendingUpload, RecordStatus.Ready));
        Assert.Empty(MrsRecord.Lifecycle.AllowedFrom(RecordStatus.Ready));
        Assert.NotNull(MrsRecord.Lifecycle.Check(RecordStatus.Ready, RecordStatus.PendingUpload));
        Assert.NotNull(MrsRecord.Lifecycle.Check(RecordStatus.Ready, RecordStatus.Ready));
    }

    [Fact]
    public void a_record_without_expiry_is_served_until_it_is_doomed()
    {
        Assert.True(Record().IsServedAt(Now));
        Assert.False(Record(doomedAt: Now.AddMinutes(-1)).IsServedAt(Now));
    }

    [Fact]
    public void a_record_is_served_before_its_expiry_and_not_from_it_on()
    {
        var record = Record(expiresAt: Now);
        Assert.True(record.IsServedAt(Now.AddTicks(-1)));
        Assert.False(record.IsServedAt(Now));
    }

    [Fact]
    public void its_bytes_live_under_the_org_and_its_guid()
    {
        var record = Record();
        Assert.Equal("acme/" + record.RecordGuid, record.BlobKey("acme"));
    }

    [Fact]
    public void the_checksum_is_lower_case_hex_md5_of_the_utf8_text() =>
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", MrsRecord.Md5Hex(""));
}
