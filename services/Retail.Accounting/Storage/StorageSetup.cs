using Microsoft.Extensions.Options;

namespace Retail.Accounting.Storage;

/// <summary>The storage-usage area: recorded and measured bytes per org and service, and drift.</summary>
public static class StorageSetup
{
    public static IServiceCollection AddStorageUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageUsageOptions>().Bind(configuration.GetSection(StorageUsageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageUsageOptions>, StorageUsageOptionsValidator>();
        services.AddRecords(AccountingModule.Id, StorageUsage.Type);
        services.AddScoped<StorageMeasurer>();
        services.AddHostedService<StorageMeasurementSweep>();
        return services;
    }

    public static IEndpointRouteBuilder MapStorageUsage(this IEndpointRouteBuilder routes)
    {
        routes.MapStorageUsageEndpoints();
        return routes;
    }
}

internal sealed class StorageUsageOptionsValidator : IValidateOptions<StorageUsageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageUsageOptions options)
    {
        var errors = new List<string>();
        if (options.MeasureInterval < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{StorageUsageOptions.Section}:MeasureInterval must be at least a minute");
        }
        if (options.DriftThresholdPercent is < 0 or > 1_000_000 || double.IsNaN(options.DriftThresholdPercent))
        {
            errors.Add($"{StorageUsageOptions.Section}:DriftThresholdPercent must be between 0 and 1000000");
        }
        if (!Guid.TryParse(options.DriftTeamGuid, out _))
        {
            errors.Add($"{StorageUsageOptions.Section}:DriftTeamGuid must be a guid");
        }
        if (options.Services.Any(s => !Codes.IsValid(Codes.Normalize(s))))
        {
            errors.Add($"{StorageUsageOptions.Section}:Services must be app ids");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
