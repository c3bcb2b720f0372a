namespace Retail.Pvm.Brands;

public static class BrandsApi
{
    public static IEndpointRouteBuilder MapBrands(this IEndpointRouteBuilder routes) => routes;
}
