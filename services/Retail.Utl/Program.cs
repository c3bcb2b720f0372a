using Retail.Shared.Hosting;

namespace Retail.Utl;

/// <summary>UTL alone, as a Dapr app with its paths at the root.</summary>
public static class Program
{
    public static void Main(string[] args) => RetailApp.Run<UtlModule>(args);
}
