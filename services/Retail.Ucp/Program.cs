using Retail.Shared.Hosting;

namespace Retail.Ucp;

/// <summary>UCP alone, as a Dapr app with its paths at the root.</summary>
public static class Program
{
    public static void Main(string[] args) => RetailApp.Run<UcpModule>(args);
}
