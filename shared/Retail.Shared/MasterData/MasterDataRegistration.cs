using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Records;

namespace Retail.Shared.MasterData;

public static class MasterDataRegistration
{
    /// <summary>A master record type of the app: its record store and indexes, and the validators of its standard requests.</summary>
    public static IServiceCollection AddMasterRecord<T>(this IServiceCollection services, string appId) where T : Record, IMasterRecord<T>
    {
        // Every master list filters by status (active ones for pickers, retired ones for clean-up).
        services.AddRecords(appId, T.Type.IndexBy("status"));
        services.AddSingleton<IValidator<MasterKey<T>>, MasterKeyValidator<T>>();
        services.AddSingleton<IValidator<MasterStatusChange<T>>, MasterStatusChangeValidator<T>>();
        services.AddSingleton<IValidator<MasterList<T>>, MasterListValidator<T>>();
        return services;
    }
}
