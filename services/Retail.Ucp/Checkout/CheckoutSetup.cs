namespace Retail.Ucp.Checkout;

/// <summary>Checkout sessions and carts, on the seed's surface and the public REST binding (owned by the checkout work; fill in).</summary>
public static class CheckoutSetup
{
    public static IServiceCollection AddUcpCheckout(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapUcpCheckout(this IEndpointRouteBuilder routes) => routes;
}
