using System.Text;
using Microsoft.Data.Sqlite;
using Retail.Shared.Embedded;
using Retail.Shared.Hosting;

namespace Retail.Shared.Tests.Embedded;

/// <summary>A fresh data folder per test, deleted afterwards (pools cleared first so SQLite lets go of the files).</summary>
public sealed class TempDataDir : IDisposable
{
    public TempDataDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public RetailOptions Options(Action<RetailOptions>? configure = null)
    {
        var options = new RetailOptions { DataDir = Path };
        configure?.Invoke(options);
        return options;
    }

    public SqliteStateStore OpenStore(string appId = "scm", TimeProvider? time = null) => new(appId, Options(), time);

    /// <summary>Counts rows straight from the file, as an operator with the sqlite3 shell would.</summary>
    public long Count(string appId, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={System.IO.Path.Combine(Path, "state", appId + ".db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>A clock the test moves by hand, so expiry is tested without waiting.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

internal static class Json
{
    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);
}
