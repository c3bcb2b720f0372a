using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Records;

namespace Retail.Shared.Collaboration;

/// <summary>The operations of the module; a service mounts those its row of endpoints.tsv lists.</summary>
[Flags]
public enum CollaborationEndpoints
{
    None = 0,
    Comment = 1 << 0,
    CommentGet = 1 << 1,
    CommentList = 1 << 2,
    CommentRevise = 1 << 3,
    CommentStatus = 1 << 4,
    CommentReport = 1 << 5,
    InboxCreate = 1 << 6,
    InboxGet = 1 << 7,
    InboxList = 1 << 8,
    InboxStatus = 1 << 9,
    InboxState = 1 << 10,
    SearchComments = 1 << 11,
    SearchInbox = 1 << 12,

    /// <summary>The eleven that PPM, PCM, ICS, SCM, CRM, Influencer and Accounting list.</summary>
    CommentsAndInbox = Comment | CommentGet | CommentList | CommentRevise | CommentStatus | CommentReport
        | InboxCreate | InboxGet | InboxList | InboxStatus | InboxState,

    /// <summary>The eleven plus the search plane (ICS).</summary>
    All = CommentsAndInbox | SearchComments | SearchInbox,
}

/// <summary>
/// What a service mounts: which operations, and which of its own records may be commented on or be the subject of an
/// inbox item. Subjects are checked to exist, live, in the caller's org, through the service's own record store.
/// </summary>
public sealed class CommentsAndInboxOptions
{
    private readonly Dictionary<string, Func<IServiceProvider, string, string, CancellationToken, Task<bool>>> _subjects = new(StringComparer.Ordinal);

    public CollaborationEndpoints Endpoints { get; set; } = CollaborationEndpoints.CommentsAndInbox;

    /// <summary>
    /// The least role any comment or inbox operation needs, above each operation's own (viewer reads, member writes):
    /// <see cref="Role.Operator"/> for an operator-only service such as Accounting, where no org role reaches anything.
    /// </summary>
    public Role MinimumRole { get; set; } = Role.None;

    /// <summary>The app that holds attachments (MRS).</summary>
    public string AttachmentsAppId { get; set; } = "mrs";

    /// <summary>The app that knows the org's members and teams (OFM), asked about inbox assignees.</summary>
    public string DirectoryAppId { get; set; } = "ofm";

    /// <summary>
    /// Records of <paramref name="type"/> may be subjects. The service registers their store itself
    /// (<see cref="RecordRegistration.AddRecords{T}"/>).
    /// </summary>
    public CommentsAndInboxOptions Subject<T>(RecordType<T> type) where T : Record
    {
        ArgumentNullException.ThrowIfNull(type);
        _subjects[type.Entity] = async (services, orgcode, key, ct) =>
            await services.GetRequiredService<RecordStore<T>>().GetAsync(orgcode, key, ct: ct) is not null;
        return this;
    }

    public IReadOnlyCollection<string> SubjectEntities => _subjects.Keys;

    internal IReadOnlyDictionary<string, Func<IServiceProvider, string, string, CancellationToken, Task<bool>>> SubjectChecks => _subjects;

    public bool Lists(CollaborationEndpoints endpoint) => (Endpoints & endpoint) == endpoint;

    /// <summary>The path of each operation, as endpoints.tsv names it.</summary>
    public static IReadOnlyDictionary<CollaborationEndpoints, string> Paths { get; } = new Dictionary<CollaborationEndpoints, string>
    {
        [CollaborationEndpoints.Comment] = "/comment",
        [CollaborationEndpoints.CommentGet] = "/comment/get",
        [CollaborationEndpoints.CommentList] = "/comment/list",
        [CollaborationEndpoints.CommentRevise] = "/comment/revise",
        [CollaborationEndpoints.CommentStatus] = "/comment/status",
        [CollaborationEndpoints.CommentReport] = "/comment/report",
        [CollaborationEndpoints.InboxCreate] = "/inbox/create",
        [CollaborationEndpoints.InboxGet] = "/inbox/get",
        [CollaborationEndpoints.InboxList] = "/inbox/list",
        [CollaborationEndpoints.InboxStatus] = "/inbox/status",
        [CollaborationEndpoints.InboxState] = "/inbox/state",
        [CollaborationEndpoints.SearchComments] = "/search/comments",
        [CollaborationEndpoints.SearchInbox] = "/search/inbox",
    };
}
