using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Json;
using Retail.Shared.Problems;

namespace Retail.Shared.Records;

/// <summary>A lifecycle as data: the allowed moves, checked in one place, which also lists them for the error.</summary>
public sealed class StateMachine<TStatus> where TStatus : struct, Enum
{
    private readonly Dictionary<TStatus, TStatus[]> _moves;

    public StateMachine(IReadOnlyDictionary<TStatus, TStatus[]> moves) => _moves = moves.ToDictionary(m => m.Key, m => m.Value);

    public IReadOnlyList<TStatus> AllowedFrom(TStatus from) => _moves.TryGetValue(from, out var to) ? to : [];

    public bool CanMove(TStatus from, TStatus to) => AllowedFrom(from).Contains(to);

    /// <summary>Null when the move is allowed; otherwise the 409 <c>invalid_transition</c> problem listing the allowed moves.</summary>
    public ProblemHttpResult? Check(TStatus from, TStatus to) =>
        CanMove(from, to) ? null : ApiProblem.InvalidTransition(Name(from), Name(to), AllowedFrom(from).Select(Name).ToList());

    private static string Name(TStatus status) => Json.SnakeCase.Name(status);
}
