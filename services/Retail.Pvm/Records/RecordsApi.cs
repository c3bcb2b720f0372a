namespace Retail.Pvm.Records;

public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRecordQueries(this IEndpointRouteBuilder routes) => routes;
}
