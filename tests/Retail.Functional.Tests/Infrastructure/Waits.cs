namespace Retail.Functional.Tests.Infrastructure;

/// <summary>
/// Every wait in a test is bounded: a condition that never comes true fails the test with what it waited for,
/// instead of hanging the run or ending in a bare cancellation.
/// </summary>
public static class Waits
{
    /// <summary>Generous, because the machine is shared; a passing test never waits this long.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? Patience;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Gave up after {limit.TotalSeconds:0} s waiting until {what}.");
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Awaits a signal, failing with <paramref name="what"/> when it does not come in time.</summary>
    public static async Task Within(this Task task, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var limit = timeout ?? Patience;
        try
        {
            await task.WaitAsync(limit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Gave up after {limit.TotalSeconds:0} s waiting for {what}.");
        }
    }
}
