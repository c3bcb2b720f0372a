using System.Text.RegularExpressions;
using FluentValidation;

namespace Retail.Pmc.Runs;

/// <summary>
/// A channel's profile as it is to be (rules left out take their defaults). <c>expected_revision</c>: absent or 0 for
/// the channel's first profile, the current revision after.
/// </summary>
public sealed record SetProfileRequest(string? ChannelCode, bool? RequireBarcode, bool? RequirePrice, bool? RequireActiveCategory,
    IReadOnlyList<string>? RequiredCompliance, IReadOnlyList<string>? RequiredMedia, string? FacilityCode, long? ExpectedRevision);

public sealed record GetProfileRequest(string? ChannelCode);

public static partial class ProfileRules
{
    public const int MaxRequiredMedia = 10;

    [GeneratedRegex("^[a-z0-9][a-z0-9_:.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaTag();

    /// <summary>An MRS tag (MRS's own pattern), lower-cased.</summary>
    public static bool IsMediaTag(string? tag) => tag is not null && MediaTag().IsMatch(tag.Trim().ToLowerInvariant());

    public static IReadOnlyList<string> Normalize(IReadOnlyList<string>? values) =>
        (values ?? []).Select(v => v.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
}

public sealed class SetProfileRequestValidator : AbstractValidator<SetProfileRequest>
{
    public SetProfileRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.RequiredCompliance).Must(c => c is null || c.Count <= PublishProfile.ComplianceAttributes.Count)
            .WithMessage($"names at most {PublishProfile.ComplianceAttributes.Count} attributes");
        RuleForEach(r => r.RequiredCompliance).Must(a => a is not null && PublishProfile.ComplianceAttributes.Contains(a.Trim().ToLowerInvariant()))
            .WithMessage($"must be one of {string.Join(", ", PublishProfile.ComplianceAttributes)}").OverridePropertyName("required_compliance");
        RuleFor(r => r.RequiredMedia).Must(m => m is null || m.Count <= ProfileRules.MaxRequiredMedia)
            .WithMessage($"names at most {ProfileRules.MaxRequiredMedia} media tags");
        RuleForEach(r => r.RequiredMedia).Must(ProfileRules.IsMediaTag)
            .WithMessage("each is an MRS tag: 1–64 of a-z, 0-9, '_', ':', '.', '-'").OverridePropertyName("required_media");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class GetProfileRequestValidator : AbstractValidator<GetProfileRequest>
{
    public GetProfileRequestValidator() => RuleFor(r => r.ChannelCode).OptionalCode();
}

/// <summary>Publish profiles (UC-PMC-005): one versioned record per channel; the default applies, at revision 0, until an admin sets it.</summary>
public static class ProfilesApi
{
    public static RouteGroupBuilder MapProfileEndpoints(this IEndpointRouteBuilder routes)
    {
        var profiles = routes.MapGroup("/publish-profile").WithTags("Publish profiles");
        profiles.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("A channel's publish profile (the default at revision 0 until set).");
        profiles.MapPost("/set", Set).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Replace a channel's publish profile: barcode, price, active category, required compliance attributes and media, the facility prices resolve for (expected_revision; 0 or absent the first time).");
        return profiles;
    }

    public static async Task<Results<Ok<PublishProfile>, ProblemHttpResult>> Get(GetProfileRequest request, RecordStore<PublishProfile> store,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, _, problem) = RunChecks.Channel(request.ChannelCode, context);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await LoadAsync(store, orgcode, channel!, ct));
    }

    public static async Task<Results<Ok<PublishProfile>, ProblemHttpResult>> Set(SetProfileRequest request, RecordStore<PublishProfile> store,
        IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, _, problem) = RunChecks.Channel(request.ChannelCode, context);
        if (problem is not null)
        {
            return problem;
        }
        var facility = RequestRules.Trimmed(request.FacilityCode) is { } f ? Codes.Normalize(f) : null;
        if (await RunChecks.ChannelProblemAsync(directory, orgcode, channel!, ct) is { } badChannel)
        {
            return badChannel;
        }
        if (facility is not null && await RunChecks.FacilityProblemAsync(directory, orgcode, facility, ct) is { } badFacility)
        {
            return badFacility;
        }
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, channel!, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var next = new PublishProfile
        {
            ChannelCode = channel!,
            RequireBarcode = request.RequireBarcode ?? true,
            RequirePrice = request.RequirePrice ?? true,
            RequireActiveCategory = request.RequireActiveCategory ?? true,
            RequiredCompliance = ProfileRules.Normalize(request.RequiredCompliance),
            RequiredMedia = ProfileRules.Normalize(request.RequiredMedia),
            FacilityCode = facility,
            UpdatedBy = context.Principal?.Id,
        };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.ToOk();
    }

    /// <summary>The channel's profile, or the default at revision 0.</summary>
    public static async Task<PublishProfile> LoadAsync(RecordStore<PublishProfile> store, string orgcode, string channel, CancellationToken ct) =>
        (await store.GetAsync(orgcode, channel, ct: ct))?.Record ?? PublishProfile.Default(channel);
}

/// <summary>Checks the profile and run endpoints share: the channel (body or header) and OFM references.</summary>
public static class RunChecks
{
    /// <summary>The channel from the body, else the <c>x-channel-code</c> header; both given and different is 400 <c>context_mismatch</c>.</summary>
    public static (string? Code, bool FromHeader, ProblemHttpResult? Problem) Channel(string? body, RequestContext context)
    {
        var fromBody = string.IsNullOrWhiteSpace(body) ? null : Codes.Normalize(body);
        var fromHeader = string.IsNullOrWhiteSpace(context.ChannelCode) ? null : Codes.Normalize(context.ChannelCode);
        if (fromBody is not null && fromHeader is not null && fromBody != fromHeader)
        {
            return (null, false, ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "The body and the header disagree.",
                $"channel_code '{fromBody}' differs from x-channel-code '{fromHeader}'; send one, or the same in both."));
        }
        if (fromBody is null && fromHeader is null)
        {
            return (null, false, ApiProblem.Validation("channel_code", "is required (or send the x-channel-code header)"));
        }
        return (fromBody ?? fromHeader, fromBody is null, null);
    }

    public static Task<ProblemHttpResult?> ChannelProblemAsync(IOrgDirectory directory, string orgcode, string channel, CancellationToken ct) =>
        ProblemAsync(directory, orgcode, new ContextCodes(null, channel, null), "channel_code", $"No active sales channel '{channel}' in this org.", ct);

    public static Task<ProblemHttpResult?> FacilityProblemAsync(IOrgDirectory directory, string orgcode, string facility, CancellationToken ct) =>
        ProblemAsync(directory, orgcode, new ContextCodes(facility, null, null), "facility_code", $"No active logical facility '{facility}' in this org.", ct);

    private static async Task<ProblemHttpResult?> ProblemAsync(IOrgDirectory directory, string orgcode, ContextCodes codes, string field, string detail,
        CancellationToken ct)
    {
        var check = await directory.CheckContextAsync(orgcode, codes, ct);
        if (check.Dependency is not null)
        {
            return ApiProblem.DependencyUnavailable(check.Dependency);
        }
        return check.IsValid ? null : PmcProblems.UnknownReference(field, detail);
    }
}
