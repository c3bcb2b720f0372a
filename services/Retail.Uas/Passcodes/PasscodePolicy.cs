namespace Retail.Uas.Passcodes;

/// <summary>
/// What a passcode must be: long enough, not too long (hashing cost), not the e-mail or its local part, not a
/// common passcode. The messages never repeat the passcode.
/// </summary>
public sealed class PasscodePolicy(IOptions<UasOptions> options, CommonPasscodes common)
{
    public IReadOnlyList<string> Check(string? passcode, string? email)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(passcode))
        {
            problems.Add("is required");
            return problems;
        }
        var settings = options.Value;
        var length = passcode.EnumerateRunes().Count();
        if (length < settings.PasscodeMinLength)
        {
            problems.Add($"must be at least {settings.PasscodeMinLength} characters long");
        }
        if (length > settings.PasscodeMaxLength)
        {
            problems.Add($"must be at most {settings.PasscodeMaxLength} characters long");
        }
        if (ContainsEmail(passcode, email))
        {
            problems.Add("must not contain the e-mail address or its name part");
        }
        if (common.Contains(passcode))
        {
            problems.Add("is too common; choose a passcode others are unlikely to use");
        }
        return problems;
    }

    private static bool ContainsEmail(string passcode, string? email)
    {
        var normalised = Users.EmailAddress.Normalise(email);
        if (string.IsNullOrEmpty(normalised))
        {
            return false;
        }
        var at = normalised.IndexOf('@', StringComparison.Ordinal);
        var local = at > 0 ? normalised[..at] : normalised;
        // A very short local part ("jo") would refuse too much; it only counts from 3 characters.
        return passcode.Contains(normalised, StringComparison.OrdinalIgnoreCase)
            || (local.Length >= 3 && passcode.Contains(local, StringComparison.OrdinalIgnoreCase));
    }
}
