using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Retail.Shared.Invocation;

namespace Retail.Shared.Contract;

/// <summary>The wire shapes of OFM's internal directory endpoints, shared by OFM and every service that asks it.</summary>
public static class DirectoryPaths
{
    public const string AppId = "ofm";
    public const string Access = "/directory/access";
    public const string Context = "/directory/context";
}

public sealed record DirectoryAccessRequest(
    string Orgcode,
    string PrincipalId,
    PrincipalKind PrincipalKind,
    string? Email,
    string? BoundOrgcode,
    Role? BoundRole);

/// <param name="ValidUntil">When the role stops counting (a time-bounded grant); a cached answer never outlives it.</param>
public sealed record DirectoryAccessResponse(bool Found, OrgStatus Status, Role Role, DateTimeOffset? ValidUntil);

public sealed record DirectoryContextRequest(string Orgcode, string? FacilityCode, string? ChannelCode, string? Cccode);

public sealed record DirectoryContextResponse(IReadOnlyDictionary<string, string> Errors);

/// <summary>
/// The topics OFM publishes when an org's status, someone's access or a context code changes; every service
/// clears its cached directory answers for that org when one arrives.
/// </summary>
public static class DirectoryTopics
{
    public const string OrgStatusChanged = "org.status_changed";
    public const string AccessChanged = "org.access_changed";
    public const string ContextChanged = "org.context_changed";

    public static IReadOnlyList<string> All { get; } = [OrgStatusChanged, AccessChanged, ContextChanged];
}

/// <summary>
/// Short-lived answers of the org directory. OFM clears an org's entries as it commits a change (same process)
/// and every service clears them when OFM's events arrive (other processes); the TTL bounds what a lost event costs,
/// and the size limit what a flood of distinct orgs and principals costs.
/// </summary>
public sealed class OrgDirectoryCache(TimeProvider clock, int sizeLimit = OrgDirectoryCache.DefaultSizeLimit) : IDisposable
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    /// <summary>Answers kept at most; an answer is small, and a busy service sees far fewer distinct callers per TTL.</summary>
    public const int DefaultSizeLimit = 10_000;

    private readonly MemoryCache _entries = BoundedCache.Create(clock, sizeLimit);

    /// <summary>Entries held now, expired ones not yet dropped included.</summary>
    public int Count => _entries.Count;

    public bool TryGet<T>(string orgcode, string key, out T value) where T : class
    {
        if (_entries.TryGetValue(new EntryKey(orgcode, key), out var entry) && entry is T typed)
        {
            value = typed;
            return true;
        }
        value = null!;
        return false;
    }

    public void Set(string orgcode, string key, object value, DateTimeOffset? notAfter = null)
    {
        var expires = clock.GetUtcNow() + TimeToLive;
        if (notAfter is { } limit && limit < expires)
        {
            expires = limit;
        }
        using var entry = _entries.CreateEntry(new EntryKey(orgcode, key));
        entry.Value = value;
        entry.AbsoluteExpiration = expires;
        entry.Size = 1;
    }

    public void Invalidate(string? orgcode)
    {
        if (orgcode is null)
        {
            _entries.Clear();
            return;
        }
        foreach (var key in _entries.Keys.OfType<EntryKey>().Where(k => k.Orgcode == orgcode))
        {
            _entries.Remove(key);
        }
    }

    public void Dispose() => _entries.Dispose();

    private sealed record EntryKey(string Orgcode, string Key);

    /// <summary>The subscriber every module maps: one of OFM's directory topics arrived, so that org's answers are stale.</summary>
    public static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok> OnDirectoryEvent(HttpContext http, OrgDirectoryCache cache)
    {
        string? orgcode = http.Request.Headers["ce-orgcode"].ToString() is { Length: > 0 } header ? header : null;
        if (orgcode is null)
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            orgcode = FindOrgcode(body.RootElement);
        }
        cache.Invalidate(orgcode is null ? null : Codes.Normalize(orgcode));
        return TypedResults.Ok();
    }

    private static string? FindOrgcode(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (root.TryGetProperty("orgcode", out var direct) && direct.ValueKind == JsonValueKind.String)
        {
            return direct.GetString();
        }
        // A CloudEvent envelope (Dapr mode without the unwrapping middleware).
        return root.TryGetProperty("data", out var data) ? FindOrgcode(data) : null;
    }
}

/// <summary>
/// The org directory backed by OFM, asked through service invocation (<see cref="DirectoryPaths"/>): the operator and
/// services act in any existing org, service accounts in their bound org with their role, users with the role their
/// ownership or membership gives them. Fails closed: when OFM cannot answer, the request is refused (503).
/// </summary>
public sealed class OfmOrgDirectory(IServiceInvoker invoker, OrgDirectoryCache cache, ILogger<OfmOrgDirectory> logger) : IOrgDirectory
{
    public async ValueTask<OrgAccess> GetAccessAsync(string orgcode, Principal principal, CancellationToken cancellationToken)
    {
        if (principal.Kind == PrincipalKind.ServiceAccount && principal.BoundOrgcode != orgcode)
        {
            return OrgAccess.Unknown;
        }
        var cacheKey = $"access|{principal.Kind}|{principal.Id}|{principal.BoundRole}";
        if (cache.TryGet<OrgAccess>(orgcode, cacheKey, out var cached))
        {
            return cached;
        }
        var request = new DirectoryAccessRequest(orgcode, principal.Id, principal.Kind, principal.Email, principal.BoundOrgcode, principal.BoundRole);
        var answer = await AskAsync<DirectoryAccessResponse>(DirectoryPaths.Access, orgcode, request, cancellationToken);
        if (answer is null)
        {
            return OrgAccess.Unavailable(DirectoryPaths.AppId);
        }
        var access = new OrgAccess(answer.Found, answer.Status, answer.Found ? answer.Role : Role.None);
        cache.Set(orgcode, cacheKey, access, answer.ValidUntil);
        return access;
    }

    public async ValueTask<ContextCheck> CheckContextAsync(string orgcode, ContextCodes codes, CancellationToken cancellationToken)
    {
        var cacheKey = $"context|{codes.FacilityCode}|{codes.ChannelCode}|{codes.CostCentreCode}";
        if (cache.TryGet<ContextCheck>(orgcode, cacheKey, out var cached))
        {
            return cached;
        }
        var answer = await AskAsync<DirectoryContextResponse>(DirectoryPaths.Context, orgcode,
            new DirectoryContextRequest(orgcode, codes.FacilityCode, codes.ChannelCode, codes.CostCentreCode), cancellationToken);
        if (answer is null)
        {
            return new ContextCheck(new Dictionary<string, string>(), DirectoryPaths.AppId);
        }
        var check = answer.Errors.Count == 0 ? ContextCheck.Valid : new ContextCheck(answer.Errors);
        cache.Set(orgcode, cacheKey, check);
        return check;
    }

    private async Task<T?> AskAsync<T>(string path, string orgcode, object body, CancellationToken cancellationToken) where T : class
    {
        try
        {
            var response = await invoker.InvokeAsync(DirectoryPaths.AppId, path, body, new InvocationOptions(Orgcode: orgcode),
                cancellationToken);
            if (response.IsSuccess)
            {
                return response.ReadAs<T>();
            }
            logger.LogWarning("OFM answered {Status} on {Path}; refusing the request", response.StatusCode, path);
            return null;
        }
        catch (DependencyUnavailableException ex)
        {
            logger.LogWarning(ex, "OFM unreachable on {Path}; refusing the request", path);
            return null;
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "OFM's answer on {Path} could not be read; refusing the request", path);
            return null;
        }
    }
}
