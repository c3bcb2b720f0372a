using System.ComponentModel;
using Retail.Shared.Events;

namespace Retail.Ucp;

/// <summary>
/// The business events UCP publishes (topic = type, no app prefix), each committed in the transaction of its change.
/// Listed in README.md. Add yours here (merge conflicts: keep both).
/// </summary>
public static class UcpEvents
{
}
