using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;

namespace Retail.Workflows.Embedded;

internal static class WorkflowKeys
{
    /// <summary>Internal rows (failures, retry policies) stored beside the workflow's own payloads.</summary>
    public static JsonSerializerOptions StorageJson { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The stable key of one step of one run, the same on every attempt and after a restart, for activities
    /// to use as their idempotency key: <c>{instance}:{step}</c>, or <c>{instance}:{run}:{step}</c> after ContinueAsNew.
    /// </summary>
    public static string TaskExecutionKey(string instanceId, long generation, int taskId) =>
        generation == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{instanceId}:{taskId}")
            : string.Create(CultureInfo.InvariantCulture, $"{instanceId}:{generation}:{taskId}");
}

internal sealed record StoredFailure(string ErrorType, string ErrorMessage, string? StackTrace)
{
    public static StoredFailure From(Exception exception) =>
        new(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace);

    public string ToJson() => JsonSerializer.Serialize(this, WorkflowKeys.StorageJson);
}

internal sealed record StoredRetryPolicy(int MaxAttempts, long FirstIntervalMs, double Coefficient, long? MaxIntervalMs, long? TimeoutMs)
{
    public static StoredRetryPolicy? From(WorkflowRetryPolicy? policy) => policy is null
        ? null
        : new(policy.MaxNumberOfAttempts, (long)policy.FirstRetryInterval.TotalMilliseconds, policy.BackoffCoefficient,
            policy.MaxRetryInterval is { } max ? (long)max.TotalMilliseconds : null,
            policy.RetryTimeout == Timeout.InfiniteTimeSpan ? null : (long)policy.RetryTimeout.TotalMilliseconds);

    /// <summary>The wait before the next attempt, or null when the policy allows no more attempts.</summary>
    public TimeSpan? NextDelay(int failedAttempt, DateTime firstAttemptAt, DateTime now)
    {
        if (failedAttempt >= MaxAttempts)
        {
            return null;
        }
        var delay = RetryDelays.Next(TimeSpan.FromMilliseconds(FirstIntervalMs), Coefficient,
            MaxIntervalMs is { } max ? TimeSpan.FromMilliseconds(max) : null, failedAttempt);
        if (TimeoutMs is { } timeout && now + delay - firstAttemptAt > TimeSpan.FromMilliseconds(timeout))
        {
            return null;
        }
        return delay;
    }
}

internal static class RetryDelays
{
    public static TimeSpan Next(WorkflowRetryPolicy policy, int failedAttempt) =>
        Next(policy.FirstRetryInterval, policy.BackoffCoefficient, policy.MaxRetryInterval, failedAttempt);

    /// <summary>first × coefficient^(attempt−1), capped at the maximum interval.</summary>
    public static TimeSpan Next(TimeSpan first, double coefficient, TimeSpan? max, int failedAttempt)
    {
        var delay = TimeSpan.FromMilliseconds(first.TotalMilliseconds * Math.Pow(coefficient, Math.Max(0, failedAttempt - 1)));
        return max is { } cap && delay > cap ? cap : delay;
    }
}
