using FluentValidation;

namespace Retail.Scm.Policies;

/// <summary>
/// The channel's policy as it is to be: fields left out keep their value (the default's the first time). The channel is
/// named in the body or by <c>x-channel-code</c>. <c>expected_revision</c>: absent or 0 the first time, the current after.
/// </summary>
public sealed record SetChannelPolicyRequest(string? ChannelCode, int? ReturnWindowDays, IReadOnlyList<string>? AcceptedTenders, bool? BackordersAllowed,
    int? SlaHours, bool? CaptureBeforeShipment, int? ReservationTtlSeconds, long? ExpectedRevision);

/// <summary>The channel's policy (the default at revision 0 until set); <c>include_history</c> adds a page of its changes.</summary>
public sealed record GetChannelPolicyRequest(string? ChannelCode, bool? IncludeHistory, int? Limit, string? NextToken) : IPagedRequest;

public sealed record ChannelPolicyView(string ChannelCode, int ReturnWindowDays, IReadOnlyList<string> AcceptedTenders, bool BackordersAllowed, int SlaHours,
    bool CaptureBeforeShipment, int ReservationTtlSeconds, string? UpdatedBy, long Revision, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Page<HistoryEntry>? History)
{
    public static ChannelPolicyView Of(ChannelPolicy p, Page<HistoryEntry>? history) =>
        new(p.ChannelCode, p.ReturnWindowDays, p.AcceptedTenders, p.BackordersAllowed, p.SlaHours, p.CaptureBeforeShipment, p.ReservationTtlSeconds,
            p.UpdatedBy, p.Revision, p.Revision == 0 ? null : p.CreatedAt, p.Revision == 0 ? null : p.UpdatedAt, history);
}

public static class ChannelPolicyRules
{
    /// <summary>A channel's policy as it applies: the one set, else <see cref="ChannelPolicy.Default"/> (revision 0).</summary>
    public static async Task<ChannelPolicy> EffectiveAsync(this RecordStore<ChannelPolicy> store, string orgcode, string channelCode, CancellationToken ct)
    {
        var channel = Codes.Normalize(channelCode);
        return (await store.GetAsync(orgcode, channel, ct: ct))?.Record ?? ChannelPolicy.Default(channel);
    }

    /// <summary>The tender kinds a channel may accept (what the payment-provider port knows).</summary>
    public static readonly IReadOnlyList<string> TenderKinds = ["card", "gift_card", "cash", "invoice", "store_credit", "bank_transfer", "wallet"];

    public const int MaxReturnWindowDays = 365;
    public const int MaxSlaHours = 24 * 30;
    public const int MinReservationTtlSeconds = 60;
    public const int MaxReservationTtlSeconds = 7 * 24 * 3600;
}

public sealed class SetChannelPolicyRequestValidator : AbstractValidator<SetChannelPolicyRequest>
{
    public SetChannelPolicyRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.ReturnWindowDays).InclusiveBetween(0, ChannelPolicyRules.MaxReturnWindowDays)
            .WithMessage($"must be 0–{ChannelPolicyRules.MaxReturnWindowDays} days");
        RuleFor(r => r.SlaHours).InclusiveBetween(1, ChannelPolicyRules.MaxSlaHours).WithMessage($"must be 1–{ChannelPolicyRules.MaxSlaHours} hours");
        RuleFor(r => r.ReservationTtlSeconds).InclusiveBetween(ChannelPolicyRules.MinReservationTtlSeconds, ChannelPolicyRules.MaxReservationTtlSeconds)
            .WithMessage($"must be {ChannelPolicyRules.MinReservationTtlSeconds}–{ChannelPolicyRules.MaxReservationTtlSeconds} seconds");
        RuleFor(r => r.AcceptedTenders).Must(t => t is null || t.Count is > 0 and <= 20).WithMessage("lists 1 to 20 tender kinds")
            .Must(t => t is null || t.Select(k => Codes.Normalize(k)).Distinct().Count() == t.Count).WithMessage("lists each tender kind once");
        RuleForEach(r => r.AcceptedTenders).Must(k => ChannelPolicyRules.TenderKinds.Contains(Codes.Normalize(k)))
            .WithMessage($"must be one of {string.Join(", ", ChannelPolicyRules.TenderKinds)}");
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0);
    }
}

public sealed class GetChannelPolicyRequestValidator : AbstractValidator<GetChannelPolicyRequest>
{
    public GetChannelPolicyRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        this.AddPagingRules();
        RuleFor(r => r.Limit).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
        RuleFor(r => r.NextToken).Null().When(r => r.IncludeHistory != true).WithMessage("pages the history; send include_history: true");
    }
}

/// <summary>A sales channel's selling rules (<see cref="ChannelPolicy"/>): admins set them, viewers read them.</summary>
public static class ChannelPolicyApi
{
    public static RouteGroupBuilder MapChannelPolicy(this IEndpointRouteBuilder routes)
    {
        var policy = routes.MapGroup("/channel/policy").WithTags("Channel policy");
        policy.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a sales channel's policy (the default at revision 0 until set); include_history adds a page of its changes.");
        policy.MapPost("/set", Set).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Set a sales channel's policy: return window, accepted tenders, backorders, SLA, capture before shipment, reservation TTL (fields left out keep their value).");
        return policy;
    }

    public static async Task<Results<Ok<ChannelPolicyView>, ProblemHttpResult>> Get(GetChannelPolicyRequest request, RecordStore<ChannelPolicy> store,
        IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, problem) = await PolicyReferences.ChannelAsync(directory, orgcode, request.ChannelCode, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var policy = await store.EffectiveAsync(orgcode, channel!, ct);
        var history = request.IncludeHistory == true && policy.Revision > 0
            ? await store.HistoryAsync(orgcode, channel!, Paging.LimitOf(request), request.NextToken, ct)
            : request.IncludeHistory == true ? new Page<HistoryEntry>([], null) : null;
        return TypedResults.Ok(ChannelPolicyView.Of(policy, history));
    }

    public static async Task<Results<Ok<ChannelPolicyView>, ProblemHttpResult>> Set(SetChannelPolicyRequest request, RecordStore<ChannelPolicy> store,
        IOrgDirectory directory, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, problem) = await PolicyReferences.ChannelAsync(directory, orgcode, request.ChannelCode, context, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (loaded, refused) = await store.LoadForUpsertAsync(orgcode, channel!, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var next = Apply(loaded?.Record ?? ChannelPolicy.Default(channel!), request) with { UpdatedBy = context.Principal?.Id };
        var write = loaded is null ? await store.CreateAsync(orgcode, next, ct: ct) : await store.UpdateAsync(orgcode, loaded, next, ct: ct);
        return write.Succeeded ? TypedResults.Ok(ChannelPolicyView.Of(write.Record!, null)) : write.Problem();
    }

    /// <summary>The policy with the request's fields applied; those left out keep their value.</summary>
    public static ChannelPolicy Apply(ChannelPolicy current, SetChannelPolicyRequest request) => current with
    {
        ReturnWindowDays = request.ReturnWindowDays ?? current.ReturnWindowDays,
        AcceptedTenders = request.AcceptedTenders?.Select(k => Codes.Normalize(k)).ToList() ?? current.AcceptedTenders,
        BackordersAllowed = request.BackordersAllowed ?? current.BackordersAllowed,
        SlaHours = request.SlaHours ?? current.SlaHours,
        CaptureBeforeShipment = request.CaptureBeforeShipment ?? current.CaptureBeforeShipment,
        ReservationTtlSeconds = request.ReservationTtlSeconds ?? current.ReservationTtlSeconds,
    };
}
