namespace Retail.Uas.Tokens;

public enum TokenPurpose
{
    /// <summary>Mailed on sign-up and resend; proves the address.</summary>
    Verification,

    /// <summary>Answered by /user/verify; allows the first passcode to be set.</summary>
    PasscodeSet,

    /// <summary>Mailed by /passcode/reset/request.</summary>
    PasscodeReset,
}
