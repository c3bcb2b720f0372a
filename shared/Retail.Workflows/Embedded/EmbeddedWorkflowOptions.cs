using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Workflows.Embedded;

public sealed class EmbeddedWorkflowOptions
{
    /// <summary>The SQLite journal; in the host <c>{DataDir}/workflows.db</c>.</summary>
    public string DatabasePath { get; set; } = "workflows.db";

    /// <summary>Workflow steps in progress at the same time; a step mostly waits for the journal, so several per core.</summary>
    public int MaxConcurrentWorkflows { get; set; } = Math.Max(8, Environment.ProcessorCount * 8);

    /// <summary>Activities run at the same time.</summary>
    public int MaxConcurrentActivities { get; set; } = Math.Max(32, Environment.ProcessorCount * 16);

    /// <summary>How long a graceful stop waits for running activities before it abandons them (they run again on start).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How workflow and activity inputs, outputs and events are serialized: the contract's snake_case, as in Dapr mode.</summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = RetailJson.Storage;
}
