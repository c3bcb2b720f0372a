using Dapr;
using Retail.Shared.Hosting;
using Retail.Usm.ApiKeys;
using Retail.Usm.ServiceAccounts;
using Retail.Usm.Sessions;

namespace Retail.Usm;

/// <summary>User Session Management: sessions, service accounts and their API keys, and the checks every service relies on.</summary>
public sealed class UsmModule : IServiceModule
{
    public const string Id = UsmEndpoints.AppId;

    public string AppId => Id;

    public string Title => "User Session Management";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UsmOptions>().Bind(configuration.GetSection(UsmOptions.Section));
        services.AddRecords(Id, Session.Type);
        services.AddRecords(Id, ServiceAccount.Type);
        services.AddRecords(Id, ApiKey.Type);
        services.AddRecords(Id, ApiKeyPolicy.Type);
        services.AddScoped<SignInThrottle>();
        services.AddScoped<SessionCloser>();
        services.AddScoped<ApiKeyIndex>();
        services.AddScoped<ApiKeyRevoker>();
        services.AddScoped<LocalEviction>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapSessions();
        routes.MapServiceAccounts();
        routes.MapApiKeys();
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/passcode-changed", PasscodeChangeSubscriber.OnPasscodeChanged)
            .WithTopic(pubSub, PasscodeChangeSubscriber.Topic).RequireInternal().ExcludeFromDescription();
    }
}
