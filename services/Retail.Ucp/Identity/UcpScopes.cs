namespace Retail.Ucp.Identity;

/// <summary>
/// The scopes a platform holds and a customer grants (the seed's <c>ucp:*</c> names), and the specification's
/// <c>{capability}:{scope}</c> scope tokens they stand for in the public binding (identity_linking.json's scope_token). A token carries the seed's names; the OAuth
/// metadata and the profile publish both.
/// </summary>
public static class UcpScopes
{
    /// <summary>Create, update and complete checkout sessions (and carts) for the customer or as the platform.</summary>
    public const string CheckoutSession = "ucp:checkout_session";

    /// <summary>Read orders (and receive order webhooks).</summary>
    public const string OrderRead = "ucp:order_read";

    /// <summary>Read the linked customer's email, phone, name and code (userinfo).</summary>
    public const string CustomerRead = "ucp:customer_read";

    public static readonly IReadOnlyList<string> All = [CheckoutSession, OrderRead, CustomerRead];

    /// <summary>Seed scope → the specification's scope of the public binding.</summary>
    public static readonly IReadOnlyDictionary<string, string> Specification = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [CheckoutSession] = "dev.ucp.shopping.checkout:manage",
        [OrderRead] = "dev.ucp.shopping.order:read",
        [CustomerRead] = "dev.ucp.common.identity_linking:profile",
    };

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>The seed scope a scope names, accepting the specification's names too; null when unknown.</summary>
    public static string? Normalize(string scope)
    {
        var s = scope.Trim();
        if (IsKnown(s))
        {
            return s;
        }
        return Specification.FirstOrDefault(p => p.Value == s).Key;
    }
}
