namespace Retail.Crm.Merge;

/// <summary>
/// The dedupe and merge area (UC-CRM-002): pairs kept from customer events, merges, and <see cref="CustomerLookup"/> for
/// every area that writes for a customer. Areas holding a customer's records register an
/// <see cref="ICustomerMergeParticipant"/> (<c>services.AddScoped&lt;ICustomerMergeParticipant, …&gt;()</c>).
/// </summary>
public static class MergeSetup
{
    public static IServiceCollection AddMerge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(CrmModule.Id, DedupePair.Type);
        services.AddRecords(CrmModule.Id, CustomerMerge.Type);
        services.AddScoped<CustomerLookup>();
        services.AddScoped<DedupeFinder>();
        return services;
    }

    public static IEndpointRouteBuilder MapMerge(this IEndpointRouteBuilder routes)
    {
        routes.MapMergeEndpoints();
        routes.MapDedupeSubscribers();
        return routes;
    }
}
