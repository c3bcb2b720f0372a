using System.Security.Cryptography;
using System.Text;

namespace Retail.Workflows.Embedded;

/// <summary>Name-based (RFC 9562 version 5) UUIDs, so a replay produces the same ids as the first run.</summary>
internal static class DeterministicGuid
{
    private static readonly Guid Namespace = new("0b7f5f4e-49a4-4c2e-9d4b-5a0f3c1e7d21");

    public static Guid Create(string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        Namespace.TryWriteBytes(buffer, bigEndian: true, out _);
        nameBytes.CopyTo(buffer, 16);
#pragma warning disable CA5350 // SHA-1 is what version 5 UUIDs are defined with; no security rests on it.
        var hash = SHA1.HashData(buffer);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
