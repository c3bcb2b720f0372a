namespace Retail.Cli;

/// <summary>
/// The tool's entry point. Not top-level statements: those would add a global <c>Program</c> class, and the tests, which load
/// this assembly beside the host's, need <c>Program</c> to name the host alone.
/// </summary>
internal static class RetailTool
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, Console.Out, Console.Error);
}
