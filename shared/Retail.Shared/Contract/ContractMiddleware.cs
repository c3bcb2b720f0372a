using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared.Hosting;
using Retail.Shared.Problems;
using Serilog;

namespace Retail.Shared.Contract;

/// <summary>
/// Runs the contract's checks in its order, before the body is bound: authentication (401), org context and
/// role (400/404/403), org status for writes (403). Validation and idempotency follow as endpoint filters.
/// </summary>
public sealed class ContractMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, RequestContext context, IEnumerable<ICredentialResolver> resolvers,
        IOrgDirectory directory, IDiagnosticContext diagnostics)
    {
        var endpoint = http.GetEndpoint();
        var requirement = endpoint?.Metadata.GetMetadata<AccessRequirement>();
        context.AppId = endpoint?.Metadata.GetMetadata<ServiceModuleMetadata>()?.AppId;
        if (endpoint is null || requirement is null)
        {
            await next(http);
            return;
        }

        var problem = await AuthenticateAsync(http, context, requirement, resolvers)
            ?? await ResolveOrgAsync(http, context, requirement, directory, isWrite: endpoint.Metadata.GetMetadata<WriteOperation>() is not null);
        diagnostics.Set("AppId", context.AppId);
        diagnostics.Set("Org", context.Orgcode);
        diagnostics.Set("PrincipalId", context.Principal?.Id);
        diagnostics.Set("PrincipalKind", context.Principal?.Kind.ToString());
        diagnostics.Set("Role", context.Principal is null ? null : context.Role.ToString().ToLowerInvariant());
        if (problem is not null)
        {
            await problem.ExecuteAsync(http);
            return;
        }
        if (endpoint.Metadata.GetMetadata<WriteOperation>() is not null)
        {
            // The idempotency filter hashes the raw body after binding has read it. Bodies up to BodyMemoryBuffer stay in
            // (pooled) memory; with ASP.NET's default of 30 KB every larger body (a bulk upsert's slice, a batch of usage
            // events) was written to a temporary file and read back.
            http.Request.EnableBuffering(BodyMemoryBuffer);
        }
        await next(http);
    }

    /// <summary>A write's body is buffered in memory up to this size, in a temporary file beyond it.</summary>
    public const int BodyMemoryBuffer = 1024 * 1024;

    /// <summary>The headers that carry a credential, in the order their principal is preferred when several pass.</summary>
    private static readonly string[] CredentialHeaderNames =
        [CredentialHeaders.InternalToken, DaprAppTokenResolver.TokenHeader, CredentialHeaders.ApiKey, CredentialHeaders.Session];

    /// <summary>
    /// Every credential presented must pass on its own: a bad key beside a good session is 401, never served as the
    /// session's user. Each is checked by the resolvers with the other credentials hidden, so a resolver that prefers one
    /// header cannot skip over a bad one.
    /// </summary>
    private static async Task<ProblemHttpResult?> AuthenticateAsync(HttpContext http, RequestContext context,
        AccessRequirement requirement, IEnumerable<ICredentialResolver> resolvers)
    {
        var anonymous = requirement.Kind == AccessKind.Anonymous;
        var presented = CredentialHeaderNames.Where(http.Request.Headers.ContainsKey).ToList();
        if (presented.Count == 0)
        {
            return anonymous ? null : ApiProblem.Unauthenticated();
        }

        Principal? principal = null;
        foreach (var header in presented)
        {
            var result = presented.Count == 1
                ? await ResolveAsync(http, resolvers)
                : await ResolveWithOnlyAsync(http, header, resolvers);
            switch (result.Outcome)
            {
                case CredentialOutcome.Authenticated:
                    principal ??= result.Principal;
                    continue;
                case CredentialOutcome.Unavailable:
                    // Fail closed; an open endpoint simply goes on without a caller.
                    return anonymous ? null : ApiProblem.DependencyUnavailable(result.Dependency ?? "credential check");
                default:
                    return anonymous ? null : ApiProblem.Unauthenticated();
            }
        }
        context.Principal = principal;
        return null;
    }

    /// <summary>The first resolver that knows the credential answers; nobody knowing it is a rejection.</summary>
    private static async Task<CredentialResult> ResolveAsync(HttpContext http, IEnumerable<ICredentialResolver> resolvers)
    {
        foreach (var resolver in resolvers)
        {
            var result = await resolver.ResolveAsync(http, http.RequestAborted);
            if (result.Outcome != CredentialOutcome.NotMine)
            {
                return result;
            }
        }
        return CredentialResult.Rejected;
    }

    private static async Task<CredentialResult> ResolveWithOnlyAsync(HttpContext http, string header, IEnumerable<ICredentialResolver> resolvers)
    {
        var feature = http.Features.Get<IHttpRequestFeature>() ?? throw new InvalidOperationException("the server has no request feature");
        var all = feature.Headers;
        var view = new HeaderDictionary();
        foreach (var (name, value) in all)
        {
            if (string.Equals(name, header, StringComparison.OrdinalIgnoreCase)
                || !CredentialHeaderNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                view[name] = value;
            }
        }
        feature.Headers = view;
        try
        {
            return await ResolveAsync(http, resolvers);
        }
        finally
        {
            feature.Headers = all;
        }
    }

    private static async Task<ProblemHttpResult?> ResolveOrgAsync(HttpContext http, RequestContext context,
        AccessRequirement requirement, IOrgDirectory directory, bool isWrite)
    {
        var principal = context.Principal;
        var headers = http.Request.Headers;
        var orgHeader = headers[CredentialHeaders.Orgcode].ToString();
        var orgcode = orgHeader.Length > 0 ? Codes.Normalize(orgHeader) : null;
        if (orgcode is not null && !Codes.IsValid(orgcode))
        {
            return ApiProblem.Validation(CredentialHeaders.Orgcode, $"must match {Codes.PatternText}");
        }
        foreach (var (header, assign) in ContextHeaders)
        {
            var raw = headers[header].ToString();
            if (raw.Length == 0)
            {
                continue;
            }
            var code = Codes.Normalize(raw);
            if (!Codes.IsValid(code))
            {
                return ApiProblem.Validation(header, $"must match {Codes.PatternText}");
            }
            assign(context, code);
        }

        switch (requirement.Kind)
        {
            case AccessKind.Anonymous:
            case AccessKind.Authenticated:
                if (orgcode is null && http.GetEndpoint()?.Metadata.GetMetadata<OrgHeaderRequired>() is not null)
                {
                    return ApiProblem.Validation(CredentialHeaders.Orgcode, "is required for this operation");
                }
                context.Orgcode = orgcode;
                context.Role = principal?.IsOperator == true ? Role.Operator : Role.None;
                return null;
            case AccessKind.Operator:
                context.Orgcode = orgcode;
                context.Role = Role.Operator;
                return principal!.IsOperator || principal.IsService ? null : ApiProblem.Forbidden("Only the platform operator may do this.");
            case AccessKind.Internal:
                context.Orgcode = orgcode;
                return principal!.IsOperator || principal.IsService ? null : ApiProblem.Forbidden("Only services of this deployment may call this.");
        }

        // An API key acts in its own org: the header may be left out, and may not name another org.
        orgcode ??= principal!.BoundOrgcode;
        if (orgcode is null)
        {
            return ApiProblem.Validation(CredentialHeaders.Orgcode, "is required for this operation");
        }
        var access = await directory.GetAccessAsync(orgcode, principal!, http.RequestAborted);
        if (access.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(access.Dependency);
        }
        if (!access.Found || access.Role == Role.None)
        {
            return ApiProblem.NotFound($"No org '{orgcode}' is visible to the caller.");
        }
        context.Orgcode = orgcode;
        context.Role = access.Role;
        context.OrgStatus = access.Status;
        if (access.Role < requirement.MinimumRole)
        {
            return ApiProblem.Forbidden($"This operation needs the role '{requirement.MinimumRole.ToString().ToLowerInvariant()}' or higher.");
        }
        if (isWrite && access.Status != OrgStatus.Active)
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, ProblemCodes.OrgNotActive, "The org does not take writes.",
                $"The org is {access.Status.ToString().ToLowerInvariant()}; only active orgs take writes.");
        }
        var codes = new ContextCodes(context.FacilityCode, context.ChannelCode, context.CostCentreCode);
        if (codes.Any)
        {
            var check = await directory.CheckContextAsync(orgcode, codes, http.RequestAborted);
            if (check.Dependency is not null)
            {
                return ApiProblem.DependencyUnavailable(check.Dependency);
            }
            if (!check.IsValid)
            {
                return ApiProblem.Validation(check.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
                    "A context header names an unknown or inactive code.");
            }
        }
        return null;
    }

    private static readonly (string Header, Action<RequestContext, string> Assign)[] ContextHeaders =
    [
        (CredentialHeaders.FacilityCode, (c, v) => c.FacilityCode = v),
        (CredentialHeaders.ChannelCode, (c, v) => c.ChannelCode = v),
        (CredentialHeaders.CostCentreCode, (c, v) => c.CostCentreCode = v),
    ];
}

/// <summary>Which module an endpoint belongs to; set on each module's route group.</summary>
public sealed record ServiceModuleMetadata(string AppId);
