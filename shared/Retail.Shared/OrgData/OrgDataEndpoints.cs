using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;
using Retail.Shared.Problems;

namespace Retail.Shared.OrgData;

/// <summary>
/// The three org-data operations hosting maps on every module (internal: other services of the deployment and the
/// operator; <c>x-orgcode</c> names the org). They are not writes in the contract's sense, so they answer for a frozen
/// org, which is when offboarding needs them. A module with no part (a state adapter that cannot list an org's keys)
/// answers 503 <c>dependency_unavailable</c> rather than an empty export or a zero that would read as "purged".
/// Parts: export walks them in registration order (<c>state</c> first); purge runs them in reverse, so a part that
/// finds its data through the org's records (MRS blobs) runs before the records go.
/// </summary>
public static class OrgDataEndpoints
{
    /// <summary>The part every service has: its records and the raw keys of the org in its state store.</summary>
    public const string StatePart = "state";

    public const int DefaultExportLimit = 500;
    public const int MaxExportLimit = 5000;
    public const int DefaultPurgeLimit = 1000;
    public const int MaxPurgeLimit = 5000;

    internal static void Map(IEndpointRouteBuilder group, string appId)
    {
        group.MapPost(OrgDataPaths.Export, (OrgExportRequest request, RequestContext context, HttpContext http, CancellationToken ct) =>
            ExportAsync(appId, request, context, http, ct)).RequireInternal().ExcludeFromDescription();
        group.MapPost(OrgDataPaths.Purge, (OrgPurgeRequest request, RequestContext context, HttpContext http, CancellationToken ct) =>
            PurgeAsync(appId, request, context, http, ct)).RequireInternal().ExcludeFromDescription();
        group.MapPost(OrgDataPaths.Verify, (RequestContext context, HttpContext http, CancellationToken ct) =>
            VerifyAsync(appId, context, http, ct)).RequireInternal().ExcludeFromDescription();
    }

    private static (IReadOnlyList<IOrgDataPart> Parts, ProblemHttpResult? Problem) Resolve(string appId, RequestContext context, HttpContext http)
    {
        if (context.Orgcode is null)
        {
            return ([], ApiProblem.Validation(CredentialHeaders.Orgcode, "is required for this operation"));
        }
        var parts = http.RequestServices.GetKeyedServices<IOrgDataPart>(appId).ToList();
        // Without the state part (a state adapter that cannot list an org's keys) the others alone would read as purged.
        return parts.Any(p => p.Part == StatePart) ? (parts, null) : ([], ApiProblem.DependencyUnavailable($"org data of {appId}"));
    }

    internal static async Task<Results<Ok<OrgExportResponse>, ProblemHttpResult>> ExportAsync(string appId, OrgExportRequest request,
        RequestContext context, HttpContext http, CancellationToken ct)
    {
        var (parts, problem) = Resolve(appId, context, http);
        if (problem is not null)
        {
            return problem;
        }
        var index = request.Part is null ? 0 : parts.ToList().FindIndex(p => p.Part == request.Part);
        if (index < 0)
        {
            return ApiProblem.Validation("part", $"{appId} has the parts: {string.Join(", ", parts.Select(p => p.Part))}.");
        }
        var page = await parts[index].ExportAsync(context.Orgcode!, request.Token, request.Limit ?? DefaultExportLimit, ct);
        var (nextPart, nextToken) = page.NextToken is not null ? (parts[index].Part, page.NextToken)
            : index + 1 < parts.Count ? (parts[index + 1].Part, null) : ((string?)null, (string?)null);
        return TypedResults.Ok(new OrgExportResponse(appId, page.Items, nextPart, nextToken));
    }

    internal static async Task<Results<Ok<OrgPurgeResponse>, ProblemHttpResult>> PurgeAsync(string appId, OrgPurgeRequest request,
        RequestContext context, HttpContext http, CancellationToken ct)
    {
        var (parts, problem) = Resolve(appId, context, http);
        if (problem is not null)
        {
            return problem;
        }
        var budget = request.Limit ?? DefaultPurgeLimit;
        long deleted = 0;
        foreach (var part in parts.Reverse())
        {
            while (budget > 0)
            {
                var step = await part.PurgeAsync(context.Orgcode!, budget, ct);
                deleted += step.Deleted;
                budget -= (int)Math.Min(step.Deleted, budget);
                if (step.Done)
                {
                    break;
                }
                if (step.Deleted == 0)
                {
                    budget = 0;
                }
            }
            if (budget == 0)
            {
                break;
            }
        }
        // Done only when a full pass found nothing left: counted, not assumed from the steps.
        var left = 0L;
        if (budget > 0)
        {
            foreach (var part in parts)
            {
                left += await part.CountAsync(context.Orgcode!, ct);
            }
        }
        return TypedResults.Ok(new OrgPurgeResponse(appId, deleted, budget > 0 && left == 0));
    }

    internal static async Task<Results<Ok<OrgVerifyResponse>, ProblemHttpResult>> VerifyAsync(string appId, RequestContext context, HttpContext http,
        CancellationToken ct)
    {
        var (parts, problem) = Resolve(appId, context, http);
        if (problem is not null)
        {
            return problem;
        }
        var counts = new List<OrgPartCount>(parts.Count);
        foreach (var part in parts)
        {
            counts.Add(new OrgPartCount(part.Part, await part.CountAsync(context.Orgcode!, ct)));
        }
        return TypedResults.Ok(new OrgVerifyResponse(appId, counts.Sum(c => c.Count), counts));
    }
}

public sealed class OrgExportRequestValidator : AbstractValidator<OrgExportRequest>
{
    public OrgExportRequestValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, OrgDataEndpoints.MaxExportLimit);
        RuleFor(r => r.Part).MaximumLength(64);
        RuleFor(r => r.Token).MaximumLength(2048);
    }
}

public sealed class OrgPurgeRequestValidator : AbstractValidator<OrgPurgeRequest>
{
    public OrgPurgeRequestValidator() => RuleFor(r => r.Limit).InclusiveBetween(1, OrgDataEndpoints.MaxPurgeLimit);
}
