using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Shared.Contract;

public static class CredentialHeaders
{
    public const string ApiKey = "x-api-key";
    public const string Session = "x-session-guid";
    public const string InternalToken = "x-internal-token";
    public const string CallerAppId = "x-caller-app-id";
    public const string Orgcode = "x-orgcode";
    public const string FacilityCode = "x-facility-code";
    public const string ChannelCode = "x-channel-code";
    public const string CostCentreCode = "x-cccode";
    public const string RequestId = "x-request-id";
    public const string IdempotencyKey = "Idempotency-Key";
}

/// <summary>
/// Secrets compared in constant time: every character presented is compared, with the secret's character at the same place
/// (cycling through the secret when what was presented is longer), and a different length counts as a difference, so the
/// time taken depends on the presented length alone, never on where the first difference is or on the secret's length.
/// (It hashed both sides with SHA-256 before: an OpenSSL call on every request, several microseconds.)
/// </summary>
public static class SecretComparer
{
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    public static bool Matches(string presented, string expected)
    {
        if (expected.Length == 0)
        {
            return presented.Length == 0;
        }
        var difference = presented.Length ^ expected.Length;
        for (var i = 0; i < presented.Length; i++)
        {
            difference |= presented[i] ^ expected[i % expected.Length];
        }
        return difference == 0;
    }
}

/// <summary>
/// The credential services of this deployment use to call each other in the single-process host: a random
/// secret made at start-up that never leaves the process, so an outside caller cannot forge it.
/// (In Dapr mode the sidecar's app API token plays this part.)
/// </summary>
public sealed class InternalCredential
{
    public string Token { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

public sealed class InternalCredentialResolver(InternalCredential credential) : ICredentialResolver
{
    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Headers.TryGetValue(CredentialHeaders.InternalToken, out var token))
        {
            return ValueTask.FromResult(CredentialResult.NotMine);
        }
        if (!SecretComparer.Matches(token.ToString(), credential.Token))
        {
            return ValueTask.FromResult(CredentialResult.Rejected);
        }
        var caller = httpContext.Request.Headers[CredentialHeaders.CallerAppId].ToString();
        return ValueTask.FromResult(CredentialResult.Ok(Principal.ServiceCaller(caller.Length is > 0 and <= 64 ? caller : "unknown")));
    }
}

/// <summary>The operator key presented as <c>x-api-key</c>. Other keys are left to the next resolver (USM).</summary>
public sealed class OperatorKeyResolver(IOperatorKeyProvider provider) : ICredentialResolver
{
    public async ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Headers.TryGetValue(CredentialHeaders.ApiKey, out var presented))
        {
            return CredentialResult.NotMine;
        }
        var expected = await provider.GetOperatorKeyAsync(cancellationToken);
        if (string.IsNullOrEmpty(expected) || !SecretComparer.Matches(presented.ToString(), expected))
        {
            return CredentialResult.NotMine;
        }
        return CredentialResult.Ok(Principal.Operator("operator-key"));
    }
}

/// <summary>
/// The operator key from configuration (<c>Retail:OperatorKey</c>). When none is configured, the host makes a
/// random one on first start and keeps it in <c>{DataDir}/operator.key</c> (owner-only), so no key ever sits in
/// the repository or the logs.
/// </summary>
public sealed class ConfiguredOperatorKeyProvider(IOptions<RetailOptions> options) : IOperatorKeyProvider
{
    private readonly Lazy<string> _key = new(() => Load(options.Value));

    public ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(_key.Value);

    private static string Load(RetailOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.OperatorKey))
        {
            return options.OperatorKey;
        }
        var path = Path.Combine(options.FullDataDir, "operator.key");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        Directory.CreateDirectory(options.FullDataDir);
        var key = "op_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(path, fileOptions))
        {
            writer.Write(key);
        }
        return key;
    }
}

/// <summary>
/// Dapr mode: the sidecar presents the app API token (<c>APP_API_TOKEN</c>) as <c>dapr-api-token</c> on every call it
/// makes to the app (pub/sub deliveries, service invocation from other apps, with <c>dapr-caller-app-id</c>).
/// Without a configured token nothing is accepted this way, so internal endpoints stay closed.
/// </summary>
public sealed class DaprAppTokenResolver(string? appApiToken) : ICredentialResolver
{
    public const string TokenHeader = "dapr-api-token";
    public const string CallerHeader = "dapr-caller-app-id";

    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Headers.TryGetValue(TokenHeader, out var token))
        {
            return ValueTask.FromResult(CredentialResult.NotMine);
        }
        if (string.IsNullOrEmpty(appApiToken) || !SecretComparer.Matches(token.ToString(), appApiToken))
        {
            return ValueTask.FromResult(CredentialResult.Rejected);
        }
        var caller = httpContext.Request.Headers[CallerHeader].ToString();
        return ValueTask.FromResult(CredentialResult.Ok(Principal.ServiceCaller(caller.Length is > 0 and <= 64 ? caller : "dapr")));
    }
}
