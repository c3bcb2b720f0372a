using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ofm.Facilities;
using Retail.Ofm.MasterData;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Ofm.Channels;

public sealed record CreateChannelRequest(string? ChannelCode, string? Name, ChannelKind? Kind, string? MarketCode, IReadOnlyList<string>? LocaleCodes,
    string? DefaultLocale, string? Currency, string? FacilityCode);

public sealed record UpdateChannelRequest(string? Guid, string? Code, string? Name, string? MarketCode,
    IReadOnlyList<string>? LocaleCodes, string? DefaultLocale, string? Currency, long? ExpectedRevision) : IUpdateOf<SalesChannel>
{
    public SalesChannel Apply(SalesChannel current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        MarketCode = MarketCode is null ? current.MarketCode : Codes.Normalize(MarketCode),
        LocaleCodes = LocaleCodes is null ? current.LocaleCodes : ChannelRules.NormalizeLocales(LocaleCodes),
        DefaultLocale = DefaultLocale is null ? current.DefaultLocale : ChannelRules.NormalizeLocale(DefaultLocale),
        Currency = Currency?.Trim().ToUpperInvariant() ?? current.Currency,
    };
}

public sealed record ChannelListRequest(MasterStatus? Status, ChannelKind? Kind, string? MarketCode, bool? IncludeDoomed, int? Limit, string? NextToken)
    : IMasterList;

public sealed record ConfigPresignRequest(string? ChannelCode, string? ContentType, long? SizeBytes, string? Md5);

public sealed record ConfigPresignResponse(string ChannelCode, string RecordGuid, string UploadUrl, string Method, DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Headers);

public sealed record ConfigCompleteRequest(string? Guid, string? Code, string? RecordGuid, long? ExpectedRevision)
    : IMasterRef<SalesChannel>, IRevisioned;

public sealed record ChannelResolveRequest(string? ChannelCode);

public sealed record ChannelResolved(string ChannelCode, string SalesChannelGuid, MasterStatus Status, bool Active, SalesChannel Record);

/// <summary>What OFM reads of MRS's answers (the fields it needs; MRS sends more).</summary>
internal sealed record MrsUpload(string Url, string Method, DateTimeOffset ExpiresAt, IReadOnlyDictionary<string, string>? Headers);

internal sealed record MrsRecordView(string RecordGuid, string ContentType, long SizeBytes, string? Md5, string Status, long Revision);

internal sealed record MrsPresignAnswer(MrsRecordView Record, MrsUpload Upload);

public static partial class ChannelRules
{
    public const string ConfigContentType = "application/json";
    public const long MaxConfigBytes = 256 * 1024;

    public static bool IsLocale(string? tag) => tag is not null && RequestRules.IsLocale(tag);

    /// <summary>The canonical casing of a tag: language lower, script title, region upper ("en-GB", "zh-Hant-TW").</summary>
    public static string NormalizeLocale(string tag)
    {
        var parts = tag.Trim().Split('-');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = i == 0 ? parts[i].ToLowerInvariant()
                : parts[i].Length == 4 ? char.ToUpperInvariant(parts[i][0]) + parts[i][1..].ToLowerInvariant()
                : parts[i].ToUpperInvariant();
        }
        return string.Join('-', parts);
    }

    public static IReadOnlyList<string> NormalizeLocales(IReadOnlyList<string> tags) => tags.Select(NormalizeLocale).Distinct(StringComparer.Ordinal).ToList();

    public static bool IsCurrency(string? code) => code is null || (code.Trim().Length == 3 && code.Trim().All(char.IsAsciiLetter));

    public static bool IsMd5Hex(string? md5) => md5 is { Length: 32 } && md5.All(char.IsAsciiHexDigit);
}

public sealed class CreateChannelRequestValidator : AbstractValidator<CreateChannelRequest>
{
    public CreateChannelRequestValidator()
    {
        RuleFor(r => r.ChannelCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.MarketCode).BusinessCode();
        RuleFor(r => r.LocaleCodes).NotEmpty().WithMessage("name at least one locale");
        RuleForEach(r => r.LocaleCodes).Must(ChannelRules.IsLocale).WithMessage("must be a BCP 47 language tag such as en-GB");
        RuleFor(r => r.DefaultLocale).Must(ChannelRules.IsLocale).When(r => r.DefaultLocale is not null).WithMessage("must be a BCP 47 language tag");
        RuleFor(r => r.DefaultLocale).Must((r, d) => r.LocaleCodes!.Select(ChannelRules.NormalizeLocale).Contains(ChannelRules.NormalizeLocale(d!)))
            .When(r => r.DefaultLocale is not null && r.LocaleCodes is { Count: > 0 } && ChannelRules.IsLocale(r.DefaultLocale)
                && r.LocaleCodes.All(ChannelRules.IsLocale))
            .WithMessage("must be one of locale_codes");
        RuleFor(r => r.Currency).Must(ChannelRules.IsCurrency).WithMessage("must be an ISO 4217 code");
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

public sealed class UpdateChannelRequestValidator : AbstractValidator<UpdateChannelRequest>
{
    public UpdateChannelRequestValidator()
    {
        this.AddUpdateRules<UpdateChannelRequest, SalesChannel>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.MarketCode).OptionalCode();
        RuleFor(r => r.LocaleCodes).NotEmpty().When(r => r.LocaleCodes is not null).WithMessage("name at least one locale");
        RuleForEach(r => r.LocaleCodes).Must(ChannelRules.IsLocale).WithMessage("must be a BCP 47 language tag such as en-GB");
        RuleFor(r => r.DefaultLocale).Must(ChannelRules.IsLocale).When(r => r.DefaultLocale is not null).WithMessage("must be a BCP 47 language tag");
        RuleFor(r => r.Currency).Must(ChannelRules.IsCurrency).WithMessage("must be an ISO 4217 code");
    }
}

public sealed class ChannelListRequestValidator : AbstractValidator<ChannelListRequest>
{
    public ChannelListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.MarketCode).OptionalCode();
    }
}

public sealed class ConfigPresignRequestValidator : AbstractValidator<ConfigPresignRequest>
{
    public ConfigPresignRequestValidator()
    {
        RuleFor(r => r.ChannelCode).BusinessCode();
        RuleFor(r => r.ContentType).NotEmpty().WithMessage("is required")
            .Must(t => string.Equals(t?.Trim(), ChannelRules.ConfigContentType, StringComparison.OrdinalIgnoreCase))
            .WithMessage($"must be {ChannelRules.ConfigContentType}");
        RuleFor(r => r.SizeBytes).NotNull().WithMessage("is required").InclusiveBetween(1, ChannelRules.MaxConfigBytes);
        RuleFor(r => r.Md5).Must(ChannelRules.IsMd5Hex).WithMessage("must be the hex MD5 of the gzip body");
    }
}

public sealed class ConfigCompleteRequestValidator : AbstractValidator<ConfigCompleteRequest>
{
    public ConfigCompleteRequestValidator()
    {
        this.AddRefRules<ConfigCompleteRequest, SalesChannel>();
        RuleFor(r => r.RecordGuid).RequiredGuid();
    }
}

public sealed class ChannelResolveRequestValidator : AbstractValidator<ChannelResolveRequest>
{
    public ChannelResolveRequestValidator() => RuleFor(r => r.ChannelCode).BusinessCode();
}

/// <summary>Sales channels, their configuration document (stored in MRS), and the channel resolver.</summary>
public static class SalesChannelsApi
{
    public static RouteGroupBuilder MapSalesChannels(this IEndpointRouteBuilder routes)
    {
        var channels = routes.MapGroup("/sales-channel").WithTags("Sales channels");
        channels.MapMasterData(OfmMasterData.Routes<SalesChannel>(CreateChannel, update: MasterDataApi.Update<SalesChannel, UpdateChannelRequest>,
            list: ListChannels));
        channels.MapPost("/config/presign", PresignConfig).RequireRole(Role.Member).AsWrite()
            .WithSummary("Get a signed upload URL (MRS) for the channel's gzip JSON configuration.");
        channels.MapPost("/config/complete", CompleteConfig).RequireRole(Role.Member).AsWrite()
            .WithSummary("Attach the uploaded configuration to the channel once MRS has checked it.");
        channels.MapPost("/resolve", ResolveChannel).RequireRole(Role.Viewer)
            .WithSummary("Whether a channel code is known and active, with its record.");
        return channels;
    }

    public static async Task<Results<Created<SalesChannel>, ProblemHttpResult>> CreateChannel(CreateChannelRequest request,
        RecordStore<SalesChannel> store, RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facility = request.FacilityCode is null ? null : Codes.Normalize(request.FacilityCode);
        if (facility is not null && await logicals.FindAsync(orgcode, LogicalFacility.CodeName, facility, ct) is not { Record.Status: MasterStatus.Active })
        {
            return OfmProblems.UnknownReference("facility_code", $"No active logical facility '{facility}' in this org.");
        }
        var locales = ChannelRules.NormalizeLocales(request.LocaleCodes!);
        var channel = new SalesChannel
        {
            SalesChannelGuid = Ids.New(),
            ChannelCode = Codes.Normalize(request.ChannelCode),
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            MarketCode = Codes.Normalize(request.MarketCode),
            LocaleCodes = locales,
            DefaultLocale = request.DefaultLocale is null ? locales[0] : ChannelRules.NormalizeLocale(request.DefaultLocale),
            Currency = request.Currency?.Trim().ToUpperInvariant(),
            FacilityCode = facility,
        };
        return (await store.CreateAsync(orgcode, channel, ct: ct)).ToCreated();
    }

    public static async Task<Ok<Page<SalesChannel>>> ListChannels(ChannelListRequest request, RecordStore<SalesChannel> store, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", kind));
        }
        if (request.MarketCode is { } market)
        {
            filters.Add(StateFilter.Eq("market_code", Codes.Normalize(market)));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    public static async Task<Results<Ok<ConfigPresignResponse>, ProblemHttpResult>> PresignConfig(ConfigPresignRequest request,
        RecordStore<SalesChannel> store, IServiceInvoker invoker, RequestContext context, HttpContext http, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.ChannelCode);
        var channel = await store.FindAsync(orgcode, SalesChannel.CodeName, code, ct);
        if (channel is null)
        {
            return ApiProblem.NotFound("No such sales channel in this org.");
        }
        var response = await invoker.InvokeAsync("mrs", "/record",
            new
            {
                content_type = ChannelRules.ConfigContentType,
                size_bytes = request.SizeBytes,
                md5 = request.Md5!.ToLowerInvariant(),
                tags = new[] { "sales_channel_config", $"channel-{code}" },
            },
            new InvocationOptions(orgcode, IdempotencyKeyFor(http, "mrs-presign")), ct);
        if (!response.IsSuccess)
        {
            return Relay(response);
        }
        var answer = response.ReadAs<MrsPresignAnswer>();
        return TypedResults.Ok(new ConfigPresignResponse(code, answer.Record.RecordGuid, answer.Upload.Url, answer.Upload.Method,
            answer.Upload.ExpiresAt, answer.Upload.Headers ?? new Dictionary<string, string>()));
    }

    public static async Task<Results<Ok<SalesChannel>, ProblemHttpResult>> CompleteConfig(ConfigCompleteRequest request, RecordStore<SalesChannel> store,
        IServiceInvoker invoker, RequestContext context, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var meta = await invoker.InvokeAsync("mrs", "/record/meta", new { record_guid = request.RecordGuid }, new InvocationOptions(orgcode), ct);
        if (!meta.IsSuccess)
        {
            return Relay(meta);
        }
        var record = meta.ReadAs<MrsRecordView>();
        if (!string.Equals(record.ContentType, ChannelRules.ConfigContentType, StringComparison.OrdinalIgnoreCase))
        {
            return OfmProblems.ConfigRejected($"The document is {record.ContentType}; a channel configuration is {ChannelRules.ConfigContentType}.");
        }
        if (record.SizeBytes > ChannelRules.MaxConfigBytes)
        {
            return OfmProblems.ConfigRejected($"The document is larger than {ChannelRules.MaxConfigBytes} bytes.");
        }
        if (record.Status != "ready")
        {
            var completed = await invoker.InvokeAsync("mrs", "/record/complete",
                new { record_guid = record.RecordGuid, expected_revision = record.Revision },
                new InvocationOptions(orgcode, IdempotencyKeyFor(http, "mrs-complete")), ct);
            if (!completed.IsSuccess)
            {
                return Relay(completed);
            }
            record = completed.ReadAs<MrsRecordView>();
        }
        var config = new ChannelConfig(record.RecordGuid, record.ContentType, record.SizeBytes, record.Md5 ?? "", clock.GetUtcNow());
        var write = await store.UpdateAsync(orgcode, channel!, channel!.Record with { Config = config }, "updated",
            [new DomainEvent(OfmEvents.SalesChannelConfigured, new SalesChannelConfigured(orgcode, channel.Record.ChannelCode, record.RecordGuid, record.SizeBytes))],
            ct);
        return write.ToOk();
    }

    public static async Task<Results<Ok<ChannelResolved>, ProblemHttpResult>> ResolveChannel(ChannelResolveRequest request, RecordStore<SalesChannel> store,
        RequestContext context, CancellationToken ct) =>
        await store.FindAsync(context.RequireOrgcode(), SalesChannel.CodeName, Codes.Normalize(request.ChannelCode), ct) is { } channel
            ? TypedResults.Ok(new ChannelResolved(channel.Record.ChannelCode, channel.Record.SalesChannelGuid, channel.Record.Status,
                channel.Record.Status == MasterStatus.Active, channel.Record))
            : ApiProblem.NotFound("No such sales channel in this org.");

    /// <summary>A system call's key derives from the client's, so a replayed request has its effect in MRS once.</summary>
    private static string? IdempotencyKeyFor(HttpContext http, string step) =>
        http.Request.Headers[CredentialHeaders.IdempotencyKey].ToString() is { Length: > 0 } key ? $"ofm:{key}:{step}" : null;

    /// <summary>MRS's refusal passed on with its status and code, so the client sees why (MD5, gzip, size).</summary>
    private static ProblemHttpResult Relay(InvocationResponse response)
    {
        if (response.StatusCode >= 500)
        {
            return ApiProblem.DependencyUnavailable("mrs");
        }
        string code = ProblemCodes.ValidationFailed, title = "The record store refused the request.";
        string? detail = null;
        try
        {
            using var body = JsonDocument.Parse(response.Body);
            if (body.RootElement.TryGetProperty("code", out var c) && c.GetString() is { } text)
            {
                code = text;
            }
            if (body.RootElement.TryGetProperty("detail", out var d))
            {
                detail = d.GetString();
            }
        }
        catch (JsonException)
        {
            detail = null;
        }
        return ApiProblem.Create(response.StatusCode, code, title, detail);
    }
}
