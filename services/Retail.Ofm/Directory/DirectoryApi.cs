namespace Retail.Ofm.Directory;

/// <summary>
/// The internal endpoints every service's <see cref="OfmOrgDirectory"/> asks (service invocation only): a principal's
/// access to an org, and the context codes of a request.
/// </summary>
public static class DirectoryApi
{
    public static RouteGroupBuilder MapDirectory(this IEndpointRouteBuilder routes)
    {
        var directory = routes.MapGroup("").WithTags("Directory (internal)");
        directory.MapPost(DirectoryPaths.Access, ResolveAccess).RequireInternal()
            .WithSummary("Internal: an org's status and a caller's role in it, for every service's contract checks.");
        directory.MapPost(DirectoryPaths.Context, CheckContext).RequireInternal()
            .WithSummary("Internal: check context headers (facility, channel, cost centre) against the org's master data.");
        return directory;
    }

    public static async Task<Ok<DirectoryAccessResponse>> ResolveAccess(DirectoryAccessRequest request, OrgAccessResolver resolver,
        CancellationToken ct) => TypedResults.Ok(await resolver.ResolveAsync(request, ct));

    public static async Task<Ok<DirectoryContextResponse>> CheckContext(DirectoryContextRequest request, ContextCodeChecker checker,
        CancellationToken ct) => TypedResults.Ok(await checker.CheckAsync(request, ct));
}

/// <summary>Sent only by <see cref="OfmOrgDirectory"/> from the caller's already-checked principal and org; nothing to add.</summary>
public sealed class DirectoryAccessRequestValidator : NoFieldRules<DirectoryAccessRequest>;

/// <summary>The codes are looked up as given; an unknown or malformed code is the answer's error, not a 400.</summary>
public sealed class DirectoryContextRequestValidator : NoFieldRules<DirectoryContextRequest>;
