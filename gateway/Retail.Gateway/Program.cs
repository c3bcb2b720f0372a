namespace Retail.Gateway;

public static class Program
{
    public static void Main(string[] args) => GatewayApp.Create(args).Run();
}
