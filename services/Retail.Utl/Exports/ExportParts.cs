using System.Text.Json;
using Retail.Shared.Json;
using Retail.Shared.OrgData;

namespace Retail.Utl.Exports;

/// <summary>One finished file's NDJSON (before gzip) and how many items it holds.</summary>
public sealed record ExportPart(int Number, byte[] Ndjson, long Records);

/// <summary>
/// Cuts one service's items into NDJSON parts of bounded size: one snake_case object a line (<c>part, kind, key, value</c>),
/// in the order the service gave them; a part is closed once it reaches <c>maxBytes</c> (a single larger item makes a part
/// of its own). The same items always give the same bytes.
/// </summary>
public sealed class ExportParts(long maxBytes)
{
    private readonly MemoryStream _current = new();
    private long _count;
    private int _number;

    /// <summary>Adds an item; answers the part it closed, if it did.</summary>
    public ExportPart? Add(OrgDataItem item)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(item, RetailJson.Storage);
        ExportPart? closed = null;
        if (_count > 0 && _current.Length + line.Length + 1 > maxBytes)
        {
            closed = Close();
        }
        _current.Write(line);
        _current.WriteByte((byte)'\n');
        _count++;
        return closed;
    }

    /// <summary>The last part, if it holds anything; a service with no items at all gives one empty part (so every service has a file).</summary>
    public ExportPart? Finish() => _count > 0 || _number == 0 ? Close() : null;

    private ExportPart Close()
    {
        var part = new ExportPart(++_number, _current.ToArray(), _count);
        _current.SetLength(0);
        _count = 0;
        return part;
    }

    /// <summary>The file name of a service's part: <c>{app}/part-0001.ndjson.gz</c>.</summary>
    public static string FileName(string app, int number) => $"{app}/part-{number:D4}.ndjson.gz";

    /// <summary>Counts the NDJSON lines of a file's (gunzipped) content.</summary>
    public static long CountLines(byte[] ndjson)
    {
        long lines = 0;
        foreach (var b in ndjson)
        {
            if (b == (byte)'\n')
            {
                lines++;
            }
        }
        return ndjson.Length > 0 && ndjson[^1] != (byte)'\n' ? lines + 1 : lines;
    }
}
