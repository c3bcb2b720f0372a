using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Invocation;
using Retail.Shared.Json;
using Retail.Shared.Problems;

namespace Retail.Shared.Collaboration;

public enum AssigneeCheck
{
    Found,
    NotFound,

    /// <summary>The directory could not say (down, or an answer it should not give): the write is refused.</summary>
    Unavailable,
}

/// <summary>Says whether an inbox assignee is an active member or an active team of the org. The default asks OFM.</summary>
public interface IInboxAssignees
{
    Task<AssigneeCheck> CheckAsync(string orgcode, Assignee assignee, CancellationToken cancellationToken);
}

/// <summary>OFM's <c>/member/resolve</c> (owners count as members) and <c>/team/get</c>, through service invocation.</summary>
internal sealed class OfmInboxAssignees(IServiceInvoker invoker, string ofmAppId) : IInboxAssignees
{
    public async Task<AssigneeCheck> CheckAsync(string orgcode, Assignee assignee, CancellationToken cancellationToken)
    {
        var (path, body) = assignee.Kind == AssigneeKind.Team
            ? ("/team/get", (object)new { team_guid = assignee.Id })
            : ("/member/resolve", new { user_guid = assignee.Id });
        InvocationResponse answer;
        try
        {
            answer = await invoker.InvokeAsync(ofmAppId, path, body, new InvocationOptions(orgcode), cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return AssigneeCheck.Unavailable;
        }
        if (answer.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return AssigneeCheck.NotFound;
        }
        if (!answer.IsSuccess)
        {
            return AssigneeCheck.Unavailable;
        }
        using var json = JsonDocument.Parse(answer.Body);
        var root = json.RootElement;
        var active = assignee.Kind == AssigneeKind.Team
            ? root.TryGetProperty("status", out var status) && status.GetString() == "active" && !HasValue(root, "doomed_at")
            : root.TryGetProperty("active", out var flag) && flag.ValueKind == JsonValueKind.True;
        return active ? AssigneeCheck.Found : AssigneeCheck.NotFound;
    }

    private static bool HasValue(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;
}

internal static class AssigneeProblems
{
    public static ProblemHttpResult? For(AssigneeCheck check, Assignee assignee) => check switch
    {
        AssigneeCheck.Found => null,
        AssigneeCheck.NotFound => ApiProblem.Business(CollaborationProblems.AssigneeNotFound, "The assignee is not an active member or team.",
            $"No active {SnakeCase.Name(assignee.Kind!.Value)} '{assignee.Id}' in this org."),
        _ => ApiProblem.DependencyUnavailable("The org directory (OFM)"),
    };
}
