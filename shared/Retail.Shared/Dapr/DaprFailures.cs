using Dapr;
using Grpc.Core;

namespace Retail.Shared.Dapr;

/// <summary>Reads what kind of failure a Dapr SDK exception carries.</summary>
internal static class DaprFailures
{
    // daprd answers an ETag conflict on a single save with Aborted, but wraps a failed transaction in Internal with the
    // store's message, so the text is the only signal there. The phrases are those of components-contrib's ETagError
    // ("possible etag mismatch"), postgresql v2 ("no item was updated") and a first-write insert that hit an existing row.
    private static readonly string[] ConflictPhrases = ["etag mismatch", "no item was updated", "duplicate key value"];

    public static RpcException? Rpc(Exception exception) => exception switch
    {
        RpcException rpc => rpc,
        DaprException { InnerException: RpcException inner } => inner,
        _ => null,
    };

    public static bool IsETagConflict(Exception exception)
    {
        var rpc = Rpc(exception);
        if (rpc is null)
        {
            return false;
        }
        if (rpc.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
        {
            return true;
        }
        var detail = rpc.Status.Detail ?? string.Empty;
        return rpc.StatusCode is StatusCode.Internal or StatusCode.Unknown
            && ConflictPhrases.Any(phrase => detail.Contains(phrase, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The error text of a failed transaction (the HTTP API's message) says that an ETag check failed.</summary>
    public static bool IsETagConflictText(string? text) =>
        text is not null && ConflictPhrases.Any(phrase => text.Contains(phrase, StringComparison.OrdinalIgnoreCase));

    /// <summary>The sidecar (or what it fronts) could not be reached or did not answer in time.</summary>
    public static bool IsUnavailable(Exception exception) =>
        Rpc(exception)?.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted;
}
