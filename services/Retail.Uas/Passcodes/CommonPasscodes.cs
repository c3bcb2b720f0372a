using System.Collections.Frozen;

namespace Retail.Uas.Passcodes;

/// <summary>The most common passwords of public breach corpora, shipped as an embedded resource and compared case-insensitively.</summary>
public sealed class CommonPasscodes
{
    private readonly FrozenSet<string> _entries;

    public CommonPasscodes(IEnumerable<string> entries) =>
        _entries = entries.Select(e => e.Trim()).Where(e => e.Length > 0).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public int Count => _entries.Count;

    public bool Contains(string passcode) => _entries.Contains(passcode.Trim());

    public static CommonPasscodes LoadEmbedded()
    {
        using var stream = typeof(CommonPasscodes).Assembly.GetManifestResourceStream("Retail.Uas.common-passcodes.txt")
            ?? throw new InvalidOperationException("the common-passcode list is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith('#'))
            {
                lines.Add(line);
            }
        }
        return new CommonPasscodes(lines);
    }
}
