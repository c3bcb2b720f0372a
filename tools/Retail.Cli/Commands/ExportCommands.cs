using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;

namespace Retail.Cli.Commands;

/// <summary>
/// <c>retail export request|status|download</c>: UTL's export of all of an org's data (UC-UTL-002), as an owner takes it
/// away: request it (and wait for the workflow), follow it, then download the manifest and every gzip NDJSON file it lists
/// under a progress bar, each checked against its SHA-256.
/// </summary>
public static class ExportCommands
{
    public static Command Build(CommandFactory commands)
    {
        var export = new Command("export", "UTL exports: the org's data of every service, as gzip NDJSON files with a manifest");

        var services = new Option<string[]>("--service") { Description = "Only these apps (repeatable); default: every service", AllowMultipleArgumentsPerToken = true };
        var wait = new Option<bool>("--wait") { Description = "Wait until the export has completed (exit 1 if it failed)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait with --wait (exit 3 after)", DefaultValueFactory = _ => 600 };
        var request = new Command("request", "Start an export of the org's data") { services, wait, timeout };
        commands.Action(request, async (context, ct) =>
        {
            var api = context.Api;
            var org = api.RequireOrg();
            var chosen = context.Value(services);
            var started = await api.PostAsync("/utl/export/request", new { services = chosen is { Length: > 0 } ? chosen : null }, ct, org);
            var exportGuid = started.GetProperty("export_guid").GetString()!;
            if (!context.Value(wait))
            {
                context.Output.Record(started);
                return CliApp.Ok;
            }
            context.Output.Note($"export {exportGuid} requested; waiting for it");
            var done = await WaitAsync(api, org, exportGuid, TimeSpan.FromSeconds(context.Value(timeout)), ct);
            if (done is null)
            {
                await context.Output.ProblemAsync("timeout", $"export {exportGuid} has not completed after {context.Value(timeout)} s");
                return CliApp.Unreachable;
            }
            context.Output.Record(done.Value);
            return Output.Field(done.Value, "status") == "completed" ? CliApp.Ok : CliApp.ApiProblem;
        });

        var statusGuid = new Argument<string?>("export-guid") { Description = "The export (default: the org's latest)", Arity = ArgumentArity.ZeroOrOne };
        var status = new Command("status", "An export's status, per service with its record count and files") { statusGuid };
        commands.Action(status, async (context, ct) =>
        {
            var view = await context.Api.PostAsync("/utl/export/status", new { export_guid = context.Value(statusGuid) }, ct, context.Api.RequireOrg());
            context.Output.Write(view, console =>
            {
                console.WriteLine($"export {Output.Field(view, "export_guid")}: {Output.Field(view, "status")}");
                var table = new Table().AddColumns("service", "status", "records", "files");
                foreach (var service in view.GetProperty("services").EnumerateArray())
                {
                    table.AddRow(Markup.Escape(Output.Field(service, "app")), Markup.Escape(Output.Field(service, "status")),
                        service.GetProperty("records").GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                        service.GetProperty("files").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                console.Write(table);
            });
        });

        var downloadGuid = new Argument<string?>("export-guid") { Description = "The export (default: the org's latest)", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the manifest and the files into", Required = true };
        var download = new Command("download", "Download a completed export: the manifest and every file, checked against their SHA-256")
        {
            downloadGuid, output,
        };
        commands.Action(download, async (context, ct) =>
        {
            var api = context.Api;
            var org = api.RequireOrg();
            var answer = await api.PostAsync("/utl/export/download", new { export_guid = context.Value(downloadGuid) }, ct, org);
            var exportGuid = answer.GetProperty("export_guid").GetString()!;
            var view = await api.PostAsync("/utl/export/status", new { export_guid = exportGuid }, ct, org);
            var files = view.GetProperty("services").EnumerateArray()
                .SelectMany(service => service.GetProperty("files").EnumerateArray()).ToList();
            var folder = context.Value(output)!;
            folder.Create();

            var manifest = await FetchAsync(api, answer.GetProperty("manifest_url").GetString()!, _ => { }, ct);
            Verify(manifest, answer.GetProperty("manifest_sha256").GetString()!, "the manifest");
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "manifest.json.gz"), manifest, ct);

            var total = files.Sum(f => f.GetProperty("bytes").GetInt64());
            await CatalogCommands.WithProgressAsync<int>(context.Output, $"downloading export {exportGuid}", total, new TransferSpeedColumn(), async advance =>
            {
                foreach (var file in files)
                {
                    var meta = await api.PostAsync("/mrs/record/meta", new { record_guid = file.GetProperty("record_guid").GetString() }, ct, org);
                    var bytes = await FetchAsync(api, meta.GetProperty("download_url").GetString()!, advance, ct);
                    var name = file.GetProperty("name").GetString()!;
                    Verify(bytes, file.GetProperty("sha256").GetString()!, name);
                    var target = Inside(folder, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await File.WriteAllBytesAsync(target, bytes, ct);
                }
                return 0;
            });
            var result = new
            {
                export_guid = exportGuid, files = files.Count, records = answer.GetProperty("total_records").GetInt64(), bytes = total, folder = folder.FullName,
            };
            context.Output.Write(result, console =>
                console.WriteLine($"downloaded export {exportGuid}: {files.Count} files, {result.records:N0} records, {total:N0} bytes into {folder.FullName}"));
        });

        export.Subcommands.Add(request);
        export.Subcommands.Add(status);
        export.Subcommands.Add(download);
        return export;
    }

    /// <summary>Polls the export until it has completed or failed; null when <paramref name="timeout"/> passed first.</summary>
    private static async Task<JsonElement?> WaitAsync(RetailApi api, string org, string exportGuid, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var view = await api.PostAsync("/utl/export/status", new { export_guid = exportGuid }, limit.Token, org);
                if (Output.Field(view, "status") is "completed" or "failed")
                {
                    return view;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<byte[]> FetchAsync(RetailApi api, string url, Action<long> advance, CancellationToken ct)
    {
        using var response = await api.GetPresignedAsync(url, ct);
        using var buffer = new MemoryStream();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            advance(read);
        }
        return buffer.ToArray();
    }

    /// <summary>The manifest's relative name (<c>uas/part-0001.ndjson.gz</c>) under <paramref name="folder"/>; never outside it.</summary>
    private static string Inside(DirectoryInfo folder, string name)
    {
        var root = Path.GetFullPath(folder.FullName + Path.DirectorySeparatorChar);
        var target = Path.GetFullPath(Path.Combine(root, name));
        if (Path.IsPathRooted(name) || !target.StartsWith(root, StringComparison.Ordinal))
        {
            throw new ApiProblemException(HttpStatusCode.UnprocessableEntity,
                JsonSerializer.SerializeToElement(new { code = "unsafe_file_name", detail = $"the manifest names a file outside the folder: {name}" }));
        }
        return target;
    }

    private static void Verify(byte[] bytes, string sha256, string what)
    {
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(HttpStatusCode.UnprocessableEntity,
                JsonSerializer.SerializeToElement(new { code = "checksum_mismatch", detail = $"{what} does not match its SHA-256" }));
        }
    }
}
