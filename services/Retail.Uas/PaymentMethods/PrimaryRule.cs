namespace Retail.Uas.PaymentMethods;

/// <summary>
/// Exactly one primary among a user's live payment methods, by construction: the one most recently made primary
/// that is still live, else the oldest. So the first added is primary, and removing the primary promotes the next,
/// without a second record to keep in step (and so without a race between two writers).
/// </summary>
public static class PrimaryRule
{
    public static string? PrimaryOf(IEnumerable<PaymentMethod> methods)
    {
        var live = methods.Where(m => !m.IsDoomed).ToList();
        var chosen = live.Where(m => m.PrimarySince is not null)
            .OrderByDescending(m => m.PrimarySince).ThenByDescending(m => m.PaymentMethodGuid, StringComparer.Ordinal)
            .FirstOrDefault();
        return (chosen ?? live.OrderBy(m => m.CreatedAt).ThenBy(m => m.PaymentMethodGuid, StringComparer.Ordinal).FirstOrDefault())
            ?.PaymentMethodGuid;
    }
}
