using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Retail.Cli.Tests;

/// <summary>The tool packs as the README's Install says (<c>dotnet pack tools/Retail.Cli</c>), into a package that installs <c>retail</c>.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task dotnet_pack_makes_a_tool_package_whose_command_is_retail()
    {
        var ct = TestContext.Current.CancellationToken;
        var repository = RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "retail-cli-pack-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = repository,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // No build servers: nothing of the pack's is left running after the test.
            foreach (var argument in new[] { "pack", Path.Combine("tools", "Retail.Cli"), "-o", output, "--nologo", "--disable-build-servers" })
            {
                start.ArgumentList.Add(argument);
            }
            using var pack = Process.Start(start)!;
            var stdout = pack.StandardOutput.ReadToEndAsync(ct);
            var stderr = pack.StandardError.ReadToEndAsync(ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromMinutes(3));
            try
            {
                await pack.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                pack.Kill(entireProcessTree: true);
                throw;
            }
            Assert.True(pack.ExitCode == 0, await stdout + await stderr);

            using var package = ZipFile.OpenRead(Assert.Single(Directory.GetFiles(output, "Retail.Cli.*.nupkg")));
            var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml");
            Assert.NotNull(settings);
            await using var stream = settings.Open();
            var command = Assert.Single((await XDocument.LoadAsync(stream, LoadOptions.None, ct)).Descendants("Command"));
            Assert.Equal(("retail", "Retail.Cli.dll", "dotnet"),
                ((string?)command.Attribute("Name"), (string?)command.Attribute("EntryPoint"), (string?)command.Attribute("Runner")));
            Assert.NotNull(package.GetEntry("tools/net10.0/any/Retail.Cli.dll"));
            Assert.NotNull(package.GetEntry("README.md"));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "tools", "Retail.Cli", "Retail.Cli.csproj")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no tools/Retail.Cli above {AppContext.BaseDirectory}");
    }
}
