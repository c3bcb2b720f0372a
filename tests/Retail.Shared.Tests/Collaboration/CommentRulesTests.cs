using Retail.Shared.Collaboration;
using Retail.Shared.Contract;

namespace Retail.Shared.Tests.Collaboration;

public sealed class CommentRulesTests
{
    private static Comment Comment(CommentStatus status = CommentStatus.Visible) => new()
    {
        CommentGuid = Guid.CreateVersion7().ToString(),
        SubjectEntity = "ticket",
        SubjectKey = "t-1",
        Body = "Door code 4711",
        Attachments = ["0190a1b2-0000-7000-8000-000000000001"],
        AuthorId = "ann",
        Status = status,
        LastReport = new CommentReport(ReportReason.PersonalData, "code", "bob", DateTimeOffset.UnixEpoch),
    };

    [Theory]
    [InlineData(CommentStatus.Visible, CommentStatus.Resolved, true)]
    [InlineData(CommentStatus.Resolved, CommentStatus.Visible, true)]
    [InlineData(CommentStatus.Visible, CommentStatus.Hidden, true)]
    [InlineData(CommentStatus.Hidden, CommentStatus.Visible, true)]
    [InlineData(CommentStatus.Hidden, CommentStatus.Resolved, false)]
    [InlineData(CommentStatus.Resolved, CommentStatus.Redacted, true)]
    [InlineData(CommentStatus.Redacted, CommentStatus.Visible, false)]
    [InlineData(CommentStatus.Redacted, CommentStatus.Hidden, false)]
    [InlineData(CommentStatus.Visible, CommentStatus.Visible, false)]
    public void the_lifecycle_allows_these_moves(CommentStatus from, CommentStatus to, bool allowed) =>
        Assert.Equal(allowed, CommentRules.Lifecycle.CanMove(from, to));

    [Fact]
    public void redaction_is_final_and_a_refused_move_lists_the_allowed_ones()
    {
        Assert.Empty(CommentRules.Lifecycle.AllowedFrom(CommentStatus.Redacted));
        Assert.Null(CommentRules.Lifecycle.Check(CommentStatus.Visible, CommentStatus.Resolved));
        Assert.NotNull(CommentRules.Lifecycle.Check(CommentStatus.Hidden, CommentStatus.Resolved));
    }

    [Theory]
    [InlineData(CommentStatus.Visible, CommentStatus.Resolved, false)]
    [InlineData(CommentStatus.Resolved, CommentStatus.Visible, false)]
    [InlineData(CommentStatus.Visible, CommentStatus.Hidden, true)]
    [InlineData(CommentStatus.Hidden, CommentStatus.Visible, true)]
    [InlineData(CommentStatus.Resolved, CommentStatus.Redacted, true)]
    public void moving_into_or_out_of_moderation_is_for_admins(CommentStatus from, CommentStatus to, bool moderation) =>
        Assert.Equal(moderation, CommentRules.IsModeration(from, to));

    [Fact]
    public void only_the_author_or_an_admin_revises_and_a_redacted_comment_only_an_admin()
    {
        Assert.True(CommentRules.MayRevise(Comment(), "ann", Role.Member));
        Assert.False(CommentRules.MayRevise(Comment(), "bob", Role.Member));
        Assert.True(CommentRules.MayRevise(Comment(), "bob", Role.Admin));
        Assert.False(CommentRules.MayRevise(Comment(CommentStatus.Redacted), "ann", Role.Member));
        Assert.True(CommentRules.MayRevise(Comment(CommentStatus.Redacted), "bob", Role.Owner));
    }

    [Theory]
    [InlineData(CommentStatus.Redacted, Role.Viewer, true)]
    [InlineData(CommentStatus.Redacted, Role.Member, true)]
    [InlineData(CommentStatus.Hidden, Role.Member, true)]
    [InlineData(CommentStatus.Redacted, Role.Admin, false)]
    [InlineData(CommentStatus.Hidden, Role.Owner, false)]
    [InlineData(CommentStatus.Visible, Role.Viewer, false)]
    [InlineData(CommentStatus.Resolved, Role.Viewer, false)]
    public void below_admin_a_moderated_comment_is_withheld(CommentStatus status, Role role, bool withheld)
    {
        var view = CommentView.For(Comment(status), role);

        Assert.Equal(withheld, view.BodyWithheld);
        Assert.Equal(withheld ? CommentRules.WithheldBody : "Door code 4711", view.Body);
        Assert.Equal(withheld ? 0 : 1, view.Attachments.Count);
    }

    [Fact]
    public void only_admins_read_who_reported_and_why()
    {
        Assert.Null(CommentView.For(Comment(), Role.Member).LastReport);
        Assert.Equal("bob", CommentView.For(Comment(), Role.Admin).LastReport!.ReportedBy);
    }

    [Theory]
    [InlineData(CommentStatus.Visible, true)]
    [InlineData(CommentStatus.Resolved, true)]
    [InlineData(CommentStatus.Hidden, false)]
    [InlineData(CommentStatus.Redacted, false)]
    public void only_public_comments_carry_search_text(CommentStatus status, bool searchable) =>
        Assert.Equal(searchable ? "Door code 4711" : null, Comment(status).SearchText);

    [Fact]
    public void redacted_comments_are_listable_by_nobody_and_hidden_ones_by_admins()
    {
        foreach (var role in new[] { Role.Viewer, Role.Member, Role.Admin, Role.Owner, Role.Operator })
        {
            Assert.DoesNotContain(CommentStatus.Redacted, CommentRules.Listable(role));
            Assert.Equal(role >= Role.Admin, CommentRules.Listable(role).Contains(CommentStatus.Hidden));
        }
    }

    [Theory]
    [InlineData("Blue  pallets, WET!", new[] { "blue", "pallets", "wet" })]
    [InlineData("\"OR\" NEAR(a b) *", new[] { "or", "near", "a", "b" })]
    [InlineData("Übergröße 42 übergröße", new[] { "übergröße", "42" })]
    [InlineData(" !? ", new string[0])]
    public void search_terms_are_words_of_letters_and_digits_so_no_query_syntax_reaches_the_index(string query, string[] terms) =>
        Assert.Equal(terms, CollaborationRules.Terms(query));
}
