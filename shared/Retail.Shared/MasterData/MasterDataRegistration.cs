using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Records;

namespace Retail.Shared.MasterData;

public static class MasterDataRegistration
{
    /// <summary>A master record type of the app: its record store and indexes, and the validators of its standard requests.</summary>
    public static IServiceCollection AddMasterRecord<T>(this IServiceCollection services, string appId) where T : Record, IMasterRecord<T> =>
        services.AddLifecycleRecord<T, MasterStatus>(appId);

    /// <summary>A coded record type with a lifecycle of its own: its record store and indexes, and its standard requests' validators.</summary>
    public static IServiceCollection AddLifecycleRecord<T, TStatus>(this IServiceCollection services, string appId)
        where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
    {
        // Every list of coded records filters by status (active ones for pickers, retired ones for clean-up).
        services.AddRecords(appId, T.Type.IndexBy("status"));
        services.AddSingleton<IValidator<MasterKey<T>>, MasterKeyValidator<T>>();
        services.AddSingleton<IValidator<StatusChange<T, TStatus>>, StatusChangeValidator<T, TStatus>>();
        services.AddSingleton<IValidator<StatusList<T, TStatus>>, StatusListValidator<T, TStatus>>();
        return services;
    }
}
