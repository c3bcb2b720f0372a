using Microsoft.Data.Sqlite;
using Retail.Shared.Embedded;
using Retail.Shared.State;

namespace Retail.Shared.Tests.Embedded;

/// <summary>
/// Commits reach the database file through the background checkpointer, not through the writer: with the writer's own
/// checkpoints turned off they still arrive in the file, and without the checkpointer they stay in the log.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task commits_reach_the_file_through_the_background_checkpointer_while_the_writer_never_checkpoints()
    {
        using var store = new SqliteStateStore("scm", _dir.Options(o =>
        {
            o.State.CheckpointPages = 0;
            o.State.CheckpointInterval = TimeSpan.FromMilliseconds(20);
        }));
        await CommitAsync(store, 50);

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (RowsInTheFileAlone() < 50)
        {
            await Task.Delay(20, guard.Token);
        }
        Assert.Equal(50, RowsInTheFileAlone());
    }

    [Fact]
    public async Task without_the_checkpointer_and_the_writers_checkpoints_commits_stay_in_the_log()
    {
        using var store = new SqliteStateStore("scm", _dir.Options(o =>
        {
            o.State.CheckpointPages = 0;
            o.State.CheckpointInterval = TimeSpan.Zero;
        }));
        await CommitAsync(store, 50);
        await Task.Delay(300, Ct);

        Assert.Equal(0, RowsInTheFileAlone());
    }

    private static async Task CommitAsync(SqliteStateStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var commit = await store.TransactAsync(new StateTransaction().Upsert($"k{i}", Json.Bytes("{\"n\":1}"), null), Ct);
            Assert.True(commit.Committed);
        }
    }

    /// <summary>The rows of a copy of the database file without its log: what has been checkpointed.</summary>
    private long RowsInTheFileAlone()
    {
        var copy = System.IO.Path.Combine(_dir.Path, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(System.IO.Path.Combine(_dir.Path, "state", "scm.db"), copy);
        try
        {
            using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM state";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // the table itself is not in the file yet (or the copy caught a checkpoint midway: try again)
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
