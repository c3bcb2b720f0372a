namespace Retail.Pvm.Options;

public static class OptionsApi
{
    public static IEndpointRouteBuilder MapOptions(this IEndpointRouteBuilder routes) => routes;
}
