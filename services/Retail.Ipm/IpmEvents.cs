namespace Retail.Ipm;

/// <summary>
/// The business events IPM publishes (topic = type), each committed in the transaction of its change beside the CDC
/// event of every record. Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class IpmEvents
{
}
