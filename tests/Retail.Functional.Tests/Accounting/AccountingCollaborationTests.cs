using System.Net;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>
/// Accounting's comments and inbox (the shared module, least role operator): no org role reaches any of the eleven, not
/// even the owner; the operator comments on storage usage records and works inbox items about them.
/// </summary>
public sealed class AccountingCollaborationTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    private static readonly string[] Paths =
    [
        "/comment", "/comment/get", "/comment/list", "/comment/revise", "/comment/status", "/comment/report",
        "/inbox/create", "/inbox/get", "/inbox/list", "/inbox/status", "/inbox/state",
    ];

    [Fact]
    public async Task An_org_owner_gets_403_on_every_accounting_comment_and_inbox_operation()
    {
        var (orgcode, owner) = await StorageUsageTests.NewOrgAsync(host.Factory, host.Operator, "acct");
        foreach (var path in Paths)
        {
            await owner.Client.Post("/accounting" + path, new { }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        }
        await owner.Client.Post("/accounting/comment", new { subject_entity = "storage_usage", subject_key = Guid.CreateVersion7().ToString(), body = "hi" },
            orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await host.Operator.Post("/accounting/inbox/list", new { }, orgcode).Ok();
    }

    [Fact]
    public async Task The_operator_comments_on_a_storage_usage_record_and_opens_an_inbox_item_about_it()
    {
        var (orgcode, owner) = await StorageUsageTests.NewOrgAsync(host.Factory, host.Operator, "accc");
        var usage = await host.Operator.Post("/accounting/storage/usage/record", new { service = "mrs", bytes = 2048, records = 3 }, orgcode)
            .Ok(HttpStatusCode.Created);
        var guid = usage.GetProperty("storage_usage_guid").GetString();

        var comment = await host.Operator.Post("/accounting/comment",
            new { subject_entity = "storage_usage", subject_key = guid, body = "Measured after the catalogue import." }, orgcode).Ok(HttpStatusCode.Created);
        var listed = await host.Operator.Post("/accounting/comment/list", new { subject_entity = "storage_usage", subject_key = guid }, orgcode).Ok();
        Assert.Equal(comment.GetProperty("comment_guid").GetString(),
            Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("comment_guid").GetString());
        await host.Operator.Post("/accounting/comment",
                new { subject_entity = "storage_usage", subject_key = Guid.CreateVersion7().ToString(), body = "Nothing here." }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "subject_not_found");

        var item = await host.Operator.Post("/accounting/inbox/create", new
        {
            title = "Check the MRS growth",
            subject_entity = "storage_usage",
            subject_key = guid,
            assignee = new { kind = "member", id = owner.UserGuid },
        }, orgcode).Ok(HttpStatusCode.Created);
        var inbox = await host.Operator.Post("/accounting/inbox/list", new { subject_entity = "storage_usage", subject_key = guid }, orgcode).Ok();
        Assert.Equal(item.GetProperty("inbox_item_guid").GetString(),
            Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("inbox_item_guid").GetString());
        // Even the item's assignee, an org owner, cannot read it: Accounting is the operator's.
        await owner.Client.Post("/accounting/inbox/get", new { inbox_item_guid = item.GetProperty("inbox_item_guid").GetString() }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
    }
}
