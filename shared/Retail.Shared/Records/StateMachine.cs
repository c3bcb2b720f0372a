using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Json;
using Retail.Shared.Problems;

namespace Retail.Shared.Records;

/// <summary>A lifecycle read without knowing its status type: IPM's <c>/lifecycle/list</c> publishes every machine's moves.</summary>
public interface IStateMachine
{
    Type StatusType { get; }

    /// <summary>Every state the status type has, in declaration order, by its contract name.</summary>
    IReadOnlyList<string> States { get; }

    /// <summary>The allowed moves by contract name: from → the states it may move to (states with no entry have none).</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Moves { get; }
}

/// <summary>A lifecycle as data: the allowed moves, checked in one place, which also lists them for the error.</summary>
public sealed class StateMachine<TStatus> : IStateMachine where TStatus : struct, Enum
{
    private readonly Dictionary<TStatus, TStatus[]> _moves;

    public StateMachine(IReadOnlyDictionary<TStatus, TStatus[]> moves) => _moves = moves.ToDictionary(m => m.Key, m => m.Value);

    public IReadOnlyList<TStatus> AllowedFrom(TStatus from) => _moves.TryGetValue(from, out var to) ? to : [];

    public bool CanMove(TStatus from, TStatus to) => AllowedFrom(from).Contains(to);

    /// <summary>Null when the move is allowed; otherwise the 409 <c>invalid_transition</c> problem listing the allowed moves.</summary>
    public ProblemHttpResult? Check(TStatus from, TStatus to) =>
        CanMove(from, to) ? null : ApiProblem.InvalidTransition(Name(from), Name(to), AllowedFrom(from).Select(Name).ToList());

    public Type StatusType => typeof(TStatus);

    public IReadOnlyList<string> States => [.. Enum.GetValues<TStatus>().Select(Name)];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Moves =>
        Enum.GetValues<TStatus>().ToDictionary(Name, s => (IReadOnlyList<string>)[.. AllowedFrom(s).Select(Name)], StringComparer.Ordinal);

    private static string Name(TStatus status) => Json.SnakeCase.Name(status);
}
