namespace Retail.Pvm.Suppliers;

public static class SuppliersApi
{
    public static IEndpointRouteBuilder MapSuppliers(this IEndpointRouteBuilder routes) => routes;
}
