using Retail.Shared.Collaboration;

namespace Retail.Shared.Tests.Collaboration;

public sealed class InboxRulesTests
{
    [Theory]
    [InlineData(InboxState.Open, InboxState.Acknowledged, true)]
    [InlineData(InboxState.Acknowledged, InboxState.InProgress, true)]
    [InlineData(InboxState.InProgress, InboxState.Done, true)]
    [InlineData(InboxState.Open, InboxState.Dismissed, true)]
    [InlineData(InboxState.InProgress, InboxState.Dismissed, true)]
    [InlineData(InboxState.Open, InboxState.InProgress, false)]
    [InlineData(InboxState.Open, InboxState.Done, false)]
    [InlineData(InboxState.Done, InboxState.Dismissed, false)]
    [InlineData(InboxState.Dismissed, InboxState.Open, false)]
    [InlineData(InboxState.Done, InboxState.Open, false)]
    public void work_moves_one_step_forward_or_to_dismissed(InboxState from, InboxState to, bool allowed) =>
        Assert.Equal(allowed, InboxRules.Work.CanMove(from, to));

    [Fact]
    public void visibility_toggles_between_active_and_archived()
    {
        Assert.True(InboxRules.Visibility.CanMove(InboxStatus.Active, InboxStatus.Archived));
        Assert.True(InboxRules.Visibility.CanMove(InboxStatus.Archived, InboxStatus.Active));
        Assert.False(InboxRules.Visibility.CanMove(InboxStatus.Active, InboxStatus.Active));
    }

    [Fact]
    public void due_times_are_whole_seconds()
    {
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(at, InboxRules.WholeSeconds(at.AddMilliseconds(999)));
        Assert.Equal(at, InboxRules.WholeSeconds(new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void an_archived_item_carries_no_search_text()
    {
        var item = new InboxItem
        {
            InboxItemGuid = "i",
            Title = "Recount",
            Body = "Pallet 4",
            SubjectEntity = "ticket",
            SubjectKey = "t",
            Assignee = new Assignee(AssigneeKind.Team, "x"),
        };

        Assert.Equal("Recount\nPallet 4", item.SearchText);
        Assert.Null((item with { Status = InboxStatus.Archived }).SearchText);
        Assert.Equal("Recount", (item with { Body = null }).SearchText);
    }
}
