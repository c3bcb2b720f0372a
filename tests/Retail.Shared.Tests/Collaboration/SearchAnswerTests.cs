using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Collaboration;
using Retail.Shared.Contract;
using Retail.Shared.Dapr;
using Retail.Shared.Embedded;
using Retail.Shared.Invocation;
using Retail.Shared.Records;
using Retail.Shared.State;
using Retail.Shared.Tests.Embedded;

namespace Retail.Shared.Tests.Collaboration;

/// <summary>What a search answers when its store has no text index, and which index each store gets.</summary>
public sealed class SearchAnswerTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly SqliteStateStore _store;

    public SearchAnswerTests() => _store = _dir.OpenStore("ics");

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task a_store_without_a_text_index_answers_501_search_unavailable()
    {
        var context = new RequestContext { AppId = "ics", Orgcode = "acme", Role = Role.Viewer };
        var kit = new CollaborationKit("ics", new CommentsAndInboxOptions(),
            new RecordStore<Comment>(_store, Comment.Type, TimeProvider.System, context, Records.RecordKit.TokensWith("k")),
            new RecordStore<InboxItem>(_store, InboxItem.Type, TimeProvider.System, context, Records.RecordKit.TokensWith("k")),
            new NoSubjects(), new NoAssignees(), new DaprTextSearch("ics"), new NoInvoker(), context);

        var answer = await SearchApi.SearchComments(new SearchRequest("blue", null, null), kit, Records.RecordKit.TokensWith("k"), TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ProblemHttpResult>(answer.Result);
        Assert.Equal(501, problem.StatusCode);
        Assert.Equal(CollaborationProblems.SearchUnavailable, problem.ProblemDetails.Extensions["code"]);
    }

    [Fact]
    public void the_embedded_store_gets_the_fts5_index()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IStateStore>("ics", _store);
        services.AddTextSearch("ics");
        using var provider = services.BuildServiceProvider();

        Assert.IsType<SqliteTextSearch>(provider.GetRequiredKeyedService<ITextSearch>("ics"));
    }

    private sealed class NoSubjects : ICommentSubjects
    {
        public IReadOnlyCollection<string> Entities => [];

        public Task<bool> ExistsAsync(string orgcode, string entity, string key, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private sealed class NoAssignees : IInboxAssignees
    {
        public Task<AssigneeCheck> CheckAsync(string orgcode, Assignee assignee, CancellationToken cancellationToken) =>
            Task.FromResult(AssigneeCheck.NotFound);
    }

    private sealed class NoInvoker : IServiceInvoker
    {
        public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
            CancellationToken cancellationToken = default) => throw new DependencyUnavailableException(appId);
    }
}
