using System.ComponentModel;
using Retail.Shared.Events;

namespace Retail.Utl;

/// <summary>The business events UTL publishes (topic = type, no app prefix). Listed in README.md. Add yours here.</summary>
public static class UtlEvents
{
}
