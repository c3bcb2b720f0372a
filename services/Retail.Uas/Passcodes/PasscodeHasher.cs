using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Retail.Uas.Passcodes;

/// <summary>
/// Argon2id passcode hashes in the PHC string format (<c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>), so each
/// hash carries its own cost and old hashes still verify after the settings change.
/// </summary>
public sealed class PasscodeHasher(IOptions<UasOptions> options)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly Lazy<string> _decoy = new(() => new PasscodeHasher(options).Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    /// <summary>A hash of nothing anyone knows, verified against when there is no account, so a miss costs what a hit costs.</summary>
    public string DecoyHash => _decoy.Value;

    public string Hash(string passcode)
    {
        var settings = options.Value.Argon2;
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(passcode, salt, settings.MemoryKib, settings.Iterations, settings.Parallelism, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={settings.MemoryKib},t={settings.Iterations},p={settings.Parallelism}${Encode(salt)}${Encode(hash)}");
    }

    public bool Verify(string passcode, string phc)
    {
        if (!TryParse(phc, out var memory, out var iterations, out var parallelism, out var salt, out var expected))
        {
            return false;
        }
        var actual = Compute(passcode, salt, memory, iterations, parallelism, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Compute(string passcode, byte[] salt, int memoryKib, int iterations, int parallelism, int length)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(passcode))
        {
            Salt = salt,
            MemorySize = memoryKib,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(length);
    }

    private static bool TryParse(string phc, out int memory, out int iterations, out int parallelism, out byte[] salt, out byte[] hash)
    {
        memory = iterations = parallelism = 0;
        salt = hash = [];
        var parts = phc.Split('$');
        if (parts is not ["", "argon2id", "v=19", var costs, var saltText, var hashText])
        {
            return false;
        }
        foreach (var cost in costs.Split(','))
        {
            var pair = cost.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                return false;
            }
            switch (pair[0])
            {
                case "m": memory = number; break;
                case "t": iterations = number; break;
                case "p": parallelism = number; break;
                default: return false;
            }
        }
        try
        {
            salt = Convert.FromBase64String(Pad(saltText));
            hash = Convert.FromBase64String(Pad(hashText));
        }
        catch (FormatException)
        {
            return false;
        }
        return memory > 0 && iterations > 0 && parallelism > 0 && hash.Length > 0;
    }

    // PHC strings use standard base64 without padding.
    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static string Pad(string text) => text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
}
