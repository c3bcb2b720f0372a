using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Retail.Shared.Contract;
using Retail.Shared.Invocation;
using Retail.Shared.Json;

namespace Retail.Shared.Tests.Contract;

public sealed class OfmOrgDirectoryTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ScriptedOfm _ofm = new();

    private OfmOrgDirectory Directory(out OrgDirectoryCache cache)
    {
        cache = new OrgDirectoryCache(_clock);
        return new OfmOrgDirectory(_ofm, cache, NullLogger<OfmOrgDirectory>.Instance);
    }

    private static Principal User(string id = "u-1") => new(id, PrincipalKind.User, Email: "u@example.com");

    [Fact]
    public async Task an_answer_is_reused_until_the_org_is_invalidated()
    {
        var directory = Directory(out var cache);
        _ofm.Access = new DirectoryAccessResponse(true, OrgStatus.Active, Role.Member, null);

        Assert.Equal(Role.Member, (await directory.GetAccessAsync("acme", User(), default)).Role);
        _ofm.Access = new DirectoryAccessResponse(true, OrgStatus.Suspended, Role.Member, null);
        Assert.Equal(OrgStatus.Active, (await directory.GetAccessAsync("acme", User(), default)).Status);
        Assert.Equal(1, _ofm.Calls);

        cache.Invalidate("acme");
        Assert.Equal(OrgStatus.Suspended, (await directory.GetAccessAsync("acme", User(), default)).Status);
        Assert.Equal(2, _ofm.Calls);
    }

    [Fact]
    public async Task a_cached_answer_never_outlives_the_grant_it_came_from()
    {
        var directory = Directory(out _);
        _ofm.Access = new DirectoryAccessResponse(true, OrgStatus.Active, Role.Member, _clock.GetUtcNow().AddSeconds(1));
        await directory.GetAccessAsync("acme", User(), default);

        _clock.Advance(TimeSpan.FromSeconds(2));
        _ofm.Access = new DirectoryAccessResponse(false, OrgStatus.Active, Role.None, null);
        var after = await directory.GetAccessAsync("acme", User(), default);
        Assert.False(after.Found);
        Assert.Equal(Role.None, after.Role);
    }

    [Fact]
    public async Task an_unreachable_or_failing_ofm_denies_the_request()
    {
        var directory = Directory(out _);
        _ofm.Down = true;
        Assert.Equal("ofm", (await directory.GetAccessAsync("acme", User(), default)).Dependency);
        Assert.Equal("ofm", (await directory.CheckContextAsync("acme", new ContextCodes("store-1", null, null), default)).Dependency);

        _ofm.Down = false;
        _ofm.Status = 500;
        Assert.Equal("ofm", (await directory.GetAccessAsync("acme", User(), default)).Dependency);
    }

    [Fact]
    public async Task a_service_account_of_another_org_is_not_found_without_asking()
    {
        var directory = Directory(out _);
        var access = await directory.GetAccessAsync("acme", new Principal("sa-1", PrincipalKind.ServiceAccount, "other", Role.Admin), default);
        Assert.False(access.Found);
        Assert.Equal(0, _ofm.Calls);
    }

    [Fact]
    public async Task context_codes_ofm_refuses_are_reported_by_header()
    {
        var directory = Directory(out _);
        _ofm.Context = new DirectoryContextResponse(new Dictionary<string, string> { ["x-cccode"] = "names no cost centre of this org" });
        var check = await directory.CheckContextAsync("acme", new ContextCodes(null, null, "cc-x"), default);
        Assert.False(check.IsValid);
        Assert.Contains("x-cccode", check.Errors.Keys);
    }

    [Fact]
    public void invalidating_an_org_clears_only_its_answers()
    {
        var cache = new OrgDirectoryCache(_clock);
        cache.Set("acme", "k", "v");
        cache.Set("other", "k", "v");
        cache.Invalidate("acme");
        Assert.False(cache.TryGet<string>("acme", "k", out _));
        Assert.True(cache.TryGet<string>("other", "k", out _));
        cache.Invalidate(null);
        Assert.False(cache.TryGet<string>("other", "k", out _));
    }

    private sealed class ScriptedOfm : IServiceInvoker
    {
        public DirectoryAccessResponse Access { get; set; } = new(false, OrgStatus.Pending, Role.None, null);

        public DirectoryContextResponse Context { get; set; } = new(new Dictionary<string, string>());

        public bool Down { get; set; }

        public int Status { get; set; } = 200;

        public int Calls { get; private set; }

        public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            Calls++;
            if (Down)
            {
                throw new DependencyUnavailableException(appId);
            }
            object answer = path == DirectoryPaths.Access ? Access : Context;
            return Task.FromResult(new InvocationResponse(Status, JsonSerializer.SerializeToUtf8Bytes(answer, answer.GetType(), RetailJson.Api), "application/json"));
        }
    }
}
