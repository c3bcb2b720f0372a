using System.Text.RegularExpressions;
using FluentValidation;
using Retail.Shared;

namespace Retail.Ucp.Config;

/// <param name="Capabilities">What the org offers; each absent flag is off.</param>
/// <param name="ChannelCode">The channel platform checkouts sell in; required when checkout is enabled.</param>
/// <param name="PaymentHandlers">The payment handlers offered (replaces the list).</param>
/// <param name="Domains">Business host names (<c>shop.example.com</c>) that map a request's Host to this org (replaces the list).</param>
public sealed record SetConfigRequest(long? ExpectedRevision, CapabilitiesRequest? Capabilities, string? ChannelCode,
    IReadOnlyList<PaymentHandlerRequest>? PaymentHandlers, IReadOnlyList<string>? Domains);

public sealed record CapabilitiesRequest(bool? Checkout, bool? Order, bool? Identity);

public sealed record PaymentHandlerRequest(string? Id, string? Name, string? Version, System.Text.Json.JsonElement? Config);

/// <summary>/config/set|get: an admin sets and reads the org's UCP configuration.</summary>
public static partial class ConfigApi
{
    public static RouteGroupBuilder MapConfigApi(this IEndpointRouteBuilder routes)
    {
        var config = routes.MapGroup("/config").WithTags("UCP config");
        config.MapPost("/set", Set).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set the capabilities (checkout, order, identity), channel, payment handlers and business domains (expected_revision; 0 or absent the first time).");
        config.MapPost("/get", Get).RequireRole(Role.Admin).WithSummary("Read the org's UCP configuration (revision 0 when never set).");
        return config;
    }

    public static async Task<Results<Ok<UcpConfig>, ProblemHttpResult>> Set(SetConfigRequest request, RecordStore<UcpConfig> configs,
        RecordStore<BusinessDomain> domains, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await configs.LoadForUpsertAsync(orgcode, UcpConfig.TheKey, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded?.Record ?? UcpConfig.Empty;
        var wanted = (request.Domains ?? []).Select(NormalizeDomain).Distinct(StringComparer.Ordinal).ToList();
        var next = current with
        {
            Capabilities = new UcpCapabilities(request.Capabilities?.Checkout ?? false, request.Capabilities?.Order ?? false,
                request.Capabilities?.Identity ?? false),
            ChannelCode = request.ChannelCode is null ? null : Codes.Normalize(request.ChannelCode),
            PaymentHandlers = (request.PaymentHandlers ?? [])
                .Select(h => new PaymentHandlerConfig(h.Id!.Trim(), h.Name!.Trim(), RequestRules.Trimmed(h.Version), h.Config)).ToList(),
            Domains = wanted,
        };
        var batch = new RecordBatch();
        // The domains given up are freed and the new ones claimed in the config's own transaction: a domain another org
        // holds fails all of it (409 duplicate, field domain).
        var removed = current.Domains.Except(wanted, StringComparer.Ordinal).ToList();
        if (removed.Count > 0)
        {
            var held = await domains.FindManyAsync(null, "domain", removed, ct);
            foreach (var gone in held.Values.Where(d => d.Record.Orgcode == orgcode))
            {
                domains.Doom(batch, null, gone);
            }
        }
        foreach (var added in wanted.Except(current.Domains, StringComparer.Ordinal))
        {
            domains.Create(batch, null, new BusinessDomain { DomainGuid = Ids.New(), Domain = added, Orgcode = orgcode });
        }
        var written = loaded is null ? configs.Create(batch, orgcode, next) : configs.Update(batch, orgcode, loaded, next);
        var write = await batch.CommitAsync(ct);
        return write.Succeeded ? TypedResults.Ok(written) : write.Problem();
    }

    public static async Task<Ok<UcpConfig>> Get(RecordStore<UcpConfig> configs, RequestContext context, CancellationToken ct) =>
        TypedResults.Ok((await configs.GetAsync(context.RequireOrgcode(), UcpConfig.TheKey, ct: ct))?.Record ?? UcpConfig.Empty);

    public static string NormalizeDomain(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();

    public static bool IsDomain(string? domain) => domain is not null && DomainPattern().IsMatch(NormalizeDomain(domain));

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    public static partial Regex ReverseDomainPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    public static partial Regex VersionPattern();
}

public sealed class SetConfigRequestValidator : AbstractValidator<SetConfigRequest>
{
    public SetConfigRequestValidator()
    {
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.ChannelCode).BusinessCode().When(r => r.ChannelCode is not null);
        RuleFor(r => r.ChannelCode).NotEmpty().WithMessage("is required when checkout is enabled").When(r => r.Capabilities?.Checkout == true);
        RuleFor(r => r.PaymentHandlers).Must(h => h is null || h.Count <= 20).WithMessage("at most 20 payment handlers")
            .Must(h => h is null || h.Select(x => x.Id?.Trim()).Distinct(StringComparer.Ordinal).Count() == h.Count).WithMessage("ids must be unique");
        RuleForEach(r => r.PaymentHandlers).ChildRules(h =>
        {
            h.RuleFor(x => x.Id).RequiredText(64);
            h.RuleFor(x => x.Name).NotEmpty().WithMessage("is required")
                .Must(n => n is null || ConfigApi.ReverseDomainPattern().IsMatch(n.Trim())).WithMessage("must be a reverse-domain name (com.example.handler)");
            h.RuleFor(x => x.Version).Must(v => v is null || ConfigApi.VersionPattern().IsMatch(v.Trim())).WithMessage("must be YYYY-MM-DD");
            h.RuleFor(x => x.Config).Must(c => c is null || c.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null)
                .WithMessage("must be an object");
        });
        RuleFor(r => r.Domains).Must(d => d is null || d.Count <= 10).WithMessage("at most 10 domains");
        RuleForEach(r => r.Domains).Must(ConfigApi.IsDomain).WithMessage("must be a host name (shop.example.com), without scheme or port");
    }
}
