using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Problems;

namespace Retail.Shared.Bulk;

/// <summary>The bulk port's problems (whole calls) and the codes of rejected records (one record of a call).</summary>
public static class BulkProblems
{
    public const string UnknownEntity = "unknown_entity";
    public const string UnsupportedSchemaVersion = "unsupported_schema_version";

    // Codes of a rejected record (in its result, never a problem of the call).
    public const string InvalidRecord = "invalid_record";
    public const string ValidationFailed = ProblemCodes.ValidationFailed;
    public const string DuplicateInCall = "duplicate_in_call";
    public const string UnknownReference = "unknown_reference";
    public const string Duplicate = ProblemCodes.Duplicate;
    public const string InvalidTransition = ProblemCodes.InvalidTransition;

    public static ProblemHttpResult Unknown(string entity, IEnumerable<string> known) =>
        ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, UnknownEntity, "Unknown entity.",
            $"This service has no bulk entity '{entity}'; it has: {string.Join(", ", known)}.");

    public static ProblemHttpResult Unsupported(string entity, int version, int supported) =>
        ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, UnsupportedSchemaVersion, "Unsupported schema version.",
            $"{entity} is at schema version {supported}, not {version}.",
            [new KeyValuePair<string, object?>("supported", new[] { supported })]);
}
