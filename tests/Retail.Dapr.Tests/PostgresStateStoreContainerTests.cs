using Testcontainers.PostgreSql;
using static Retail.Dapr.Tests.RepositoryFiles;

namespace Retail.Dapr.Tests;

/// <summary>Runs only where a Docker engine answers; elsewhere it is reported as skipped with the reason.</summary>
public sealed class PostgresStateStoreContainerTests
{
    [Fact]
    public async Task the_state_store_connection_string_reaches_postgres_and_stores_json()
    {
        var docker = await DockerEngine.DetectAsync();
        Assert.SkipUnless(docker.Available, "No Docker engine: " + docker.Reason);
        var ct = TestContext.Current.CancellationToken;

        await using var postgres = new PostgreSqlBuilder("postgres:17-alpine")
            .WithUsername("retail").WithPassword("retail-test").WithDatabase("retail")
            .Build();
        await postgres.StartAsync(ct);

        // The component takes a key=value (libpq/pgx) connection string; the committed example, with the test
        // password, must be one that PostgreSQL accepts.
        var connection = ((string)Json("components/secrets.example.json")["postgres-connection-string"]!)
            .Replace("CHANGE_ME", "retail-test", StringComparison.Ordinal);
        var result = await postgres.ExecAsync(
            ["psql", connection, "-v", "ON_ERROR_STOP=1", "-tAc",
             "CREATE TABLE probe (key text PRIMARY KEY, value jsonb NOT NULL); " +
             "INSERT INTO probe VALUES ('order/1', '{\"orgcode\":\"acme\"}'); " +
             "SELECT value->>'orgcode' FROM probe WHERE key = 'order/1';"], ct);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("acme", result.Stdout.Trim().Split('\n').Last());
    }
}
