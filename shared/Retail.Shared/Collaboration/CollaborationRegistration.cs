using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Retail.Shared.Contract;
using Retail.Shared.Invocation;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Collaboration;

/// <summary>
/// Mounting the comments and inbox module in a service: <c>services.AddCommentsAndInbox(appId, options)</c> in
/// AddServices and <c>routes.MapCommentsAndInbox(options)</c> in MapEndpoints, with the same options.
/// </summary>
public static class CollaborationRegistration
{
    public static IServiceCollection AddCommentsAndInbox(this IServiceCollection services, string appId, CommentsAndInboxOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ArgumentNullException.ThrowIfNull(options);
        services.AddTextSearch(appId);
        services.TryAddKeyedScoped<ICommentSubjects>(appId, (sp, _) => new RecordCommentSubjects(options, sp));
        services.TryAddKeyedSingleton<IInboxAssignees>(appId, (sp, _) => new OfmInboxAssignees(sp.GetRequiredService<IServiceInvoker>(), options.DirectoryAppId));
        services.AddRecordIndexes(appId, Comment.Type);
        services.AddRecordIndexes(appId, InboxItem.Type);
        services.AddKeyedScoped(appId, (sp, _) =>
        {
            var store = sp.GetRequiredKeyedService<IStateStore>(StateStoreKeys.Records(appId));
            var clock = sp.GetRequiredService<TimeProvider>();
            var context = sp.GetRequiredService<RequestContext>();
            var tokens = sp.GetRequiredService<PageTokens>();
            return new CollaborationKit(appId, options,
                new RecordStore<Comment>(store, Comment.Type, clock, context, tokens),
                new RecordStore<InboxItem>(store, InboxItem.Type, clock, context, tokens),
                sp.GetRequiredKeyedService<ICommentSubjects>(appId),
                sp.GetRequiredKeyedService<IInboxAssignees>(appId),
                sp.GetRequiredKeyedService<ITextSearch>(appId),
                sp.GetRequiredService<IServiceInvoker>(),
                context);
        });
        // Handlers take the kit of whichever service the request was routed to.
        services.TryAddScoped(sp => sp.GetRequiredKeyedService<CollaborationKit>(sp.GetRequiredService<RequestContext>().AppId
            ?? throw new InvalidOperationException("the request was not routed to a service module")));
        if (!services.Any(d => d.ServiceType == typeof(IValidator<CreateCommentRequest>)))
        {
            services.AddValidatorsFromAssemblyContaining<CommentsAndInboxOptions>(ServiceLifetime.Singleton,
                r => r.ValidatorType.Namespace == typeof(CommentsAndInboxOptions).Namespace);
        }
        return services;
    }

    public static RouteGroupBuilder MapCommentsAndInbox(this IEndpointRouteBuilder routes, CommentsAndInboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var group = routes.MapGroup("");
        void Map(CollaborationEndpoints endpoint, Delegate handler, string tag, Role role, string summary, bool write = false, string? description = null)
        {
            if (!options.Lists(endpoint))
            {
                return;
            }
            var required = options.MinimumRole > role ? options.MinimumRole : role;
            var builder = group.MapPost(CommentsAndInboxOptions.Paths[endpoint], handler).WithTags(tag).RequireRole(required).WithSummary(summary);
            if (description is not null)
            {
                builder.WithDescription(description);
            }
            if (write)
            {
                builder.AsWrite();
            }
        }
        Map(CollaborationEndpoints.Comment, CommentsApi.CreateComment, "Comments", Role.Member, "Comment on a record, with MRS attachments.", write: true);
        Map(CollaborationEndpoints.CommentGet, CommentsApi.GetComment, "Comments", Role.Viewer, "Read a comment (and its revisions on request).",
            description: "Below admin, a hidden or redacted comment's body and attachments are withheld.");
        Map(CollaborationEndpoints.CommentList, CommentsApi.ListComments, "Comments", Role.Viewer, "List the comments on a record, by status.",
            description: "Redacted comments are never listed; listing hidden or reported comments needs an admin.");
        Map(CollaborationEndpoints.CommentRevise, CommentsApi.ReviseComment, "Comments", Role.Member, "Revise a comment's body; every body stays in its history.", write: true);
        // Members resolve and reopen; moving into or out of moderation needs an admin, checked by the handler.
        Map(CollaborationEndpoints.CommentStatus, CommentsApi.SetCommentStatus, "Comments", Role.Member, "Resolve, reopen, hide or redact a comment.", write: true,
            description: "Members resolve and reopen; hiding, un-hiding and redacting need an admin. Redaction is final.");
        Map(CollaborationEndpoints.CommentReport, CommentsApi.ReportComment, "Comments", Role.Member, "Report a comment to the org's admins.", write: true);
        Map(CollaborationEndpoints.InboxCreate, InboxApi.CreateInboxItem, "Inbox", Role.Member, "Put an item in a member's or team's inbox.", write: true);
        Map(CollaborationEndpoints.InboxGet, InboxApi.GetInboxItem, "Inbox", Role.Viewer, "Read an inbox item.");
        Map(CollaborationEndpoints.InboxList, InboxApi.ListInbox, "Inbox", Role.Viewer, "List inbox items by assignee, state, subject, status or due time.");
        Map(CollaborationEndpoints.InboxStatus, InboxApi.SetInboxStatus, "Inbox", Role.Member, "Archive or restore an inbox item.", write: true);
        Map(CollaborationEndpoints.InboxState, InboxApi.SetInboxState, "Inbox", Role.Member, "Move an inbox item through its work states.", write: true);
        Map(CollaborationEndpoints.SearchComments, SearchApi.SearchComments, "Search", Role.Viewer, "Search the org's comments by words.");
        Map(CollaborationEndpoints.SearchInbox, SearchApi.SearchInbox, "Search", Role.Viewer, "Search the org's inbox items by words.");
        return group;
    }
}
