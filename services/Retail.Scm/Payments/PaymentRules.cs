namespace Retail.Scm.Payments;

internal static class PaymentRules
{
    /// <summary>A guid as stored (lower-case, hyphenated), however the request spelled it.</summary>
    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}
