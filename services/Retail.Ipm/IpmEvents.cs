namespace Retail.Ipm;

/// <summary>
/// The business events IPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class IpmEvents
{
    /// <summary>An import was committed with its reconciliation report (UC-IPM-003).</summary>
    public const string BulkImportCommitted = "ipm.bulk.import_committed";

    /// <summary>An export wrote its last part.</summary>
    public const string BulkExportCompleted = "ipm.bulk.export_completed";
}
