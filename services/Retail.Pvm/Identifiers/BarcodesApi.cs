namespace Retail.Pvm.Identifiers;

public static class BarcodesApi
{
    public static IEndpointRouteBuilder MapBarcodes(this IEndpointRouteBuilder routes) => routes;
}
