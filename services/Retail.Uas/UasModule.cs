using Retail.Shared.Hosting;
using Retail.Shared.Records;
using Retail.Uas.Passcodes;
using Retail.Uas.PaymentMethods;
using Retail.Uas.Tokens;
using Retail.Uas.Users;

namespace Retail.Uas;

/// <summary>User Account Service: sign-up, e-mail verification, passcodes, payment-method references.</summary>
public sealed class UasModule : IServiceModule
{
    public const string Id = "uas";

    public string AppId => Id;

    public string Title => "User Account Service";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UasOptions>().Bind(configuration.GetSection(UasOptions.Section));
        services.AddRecords(Id, User.Type);
        services.AddRecords(Id, PaymentMethod.Type);
        services.AddSingleton(_ => CommonPasscodes.LoadEmbedded());
        services.AddSingleton<PasscodePolicy>();
        services.AddSingleton<PasscodeHasher>();
        services.AddScoped<TokenVault>();
        services.AddScoped<MailThrottle>();
        services.AddScoped<PasscodeVault>();
        services.AddScoped<PasscodeChanger>();
        services.AddScoped<PasscodeGuessGuard>();
        services.AddScoped<VerificationMailer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapUsers();
        routes.MapPasscodes();
        routes.MapPaymentMethods();
    }
}
