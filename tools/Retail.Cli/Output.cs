using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Retail.Cli;

/// <summary>
/// Where a command's answer goes: with <c>--json</c> one JSON document on stdout and nothing else there; otherwise Spectre tables,
/// with colour and live progress only on a real terminal or the console the caller passes (a pipe or a test's writer gets plain text).
/// </summary>
public sealed class Output
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    public Output(TextWriter stdout, TextWriter stderr, bool json, IAnsiConsole? terminal = null)
    {
        Out = stdout;
        Error = stderr;
        IsJson = json;
        // With --json nothing is drawn, so even a given console stays unused and stdout one JSON document.
        if (terminal is not null && !json)
        {
            Console = terminal;
            return;
        }
        var live = !json && ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = live ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = live ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = live ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        if (!live)
        {
            // A pipe has no width; a wide table is better than one whose cells wrap at 80 columns.
            Console.Profile.Width = 160;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool IsJson { get; }

    public IAnsiConsole Console { get; }

    /// <summary>The answer: <paramref name="json"/> with <c>--json</c>, else what <paramref name="render"/> draws.</summary>
    public void Write(object json, Action<IAnsiConsole> render)
    {
        if (IsJson)
        {
            Out.WriteLine(JsonSerializer.Serialize(json, Indented));
        }
        else
        {
            render(Console);
        }
    }

    /// <summary>A line of progress or commentary: on the terminal only, never into <c>--json</c> output.</summary>
    public void Note(string markupText)
    {
        if (!IsJson)
        {
            Console.MarkupLine(markupText);
        }
    }

    /// <summary>A problem on stderr: <c>code: detail</c>, or with <c>--json</c> a JSON object, so stderr stays one JSON document a line.</summary>
    public Task ProblemAsync(string code, string detail) => Error.WriteLineAsync(ProblemLine(IsJson, code, detail));

    internal static string ProblemLine(bool json, string code, string detail) =>
        json ? JsonSerializer.Serialize(new { code, detail }) : $"{code}: {detail}";

    /// <summary>The items of a page as a table of the given fields (missing ones blank), with the next page's token under it.</summary>
    public void Page(JsonElement page, params string[] fields)
    {
        Write(page, console =>
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var field in fields)
            {
                table.AddColumn(field);
            }
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                table.AddRow(fields.Select(f => (IRenderable)new Text(Field(item, f))).ToArray());
            }
            console.Write(table);
            if (page.TryGetProperty("next_token", out var next) && next.ValueKind == JsonValueKind.String)
            {
                console.WriteLine($"more: --next-token {next.GetString()}");
            }
        });
    }

    /// <summary>One record as a two-column table of its scalar fields (nested objects as compact JSON).</summary>
    public void Record(JsonElement record) => Write(record, console =>
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        foreach (var property in record.EnumerateObject())
        {
            table.AddRow(new Text(property.Name), new Text(Field(record, property.Name)));
        }
        console.Write(table);
    });

    /// <summary>A field as text: strings bare, null blank, anything else as its JSON.</summary>
    public static string Field(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Null => "",
                _ => value.GetRawText(),
            }
            : "";
}
