using System.Text.Json.Serialization;

namespace Retail.Scm.Policies;

/// <summary>
/// A sales channel's selling rules (<c>/channel/policy/set|get</c>): the return window, the tenders it accepts, whether
/// lines may be backordered, the fulfilment SLA, whether the tender is captured before shipment. Keyed by the OFM
/// channel code; <see cref="Default"/> applies at revision 0 until set.
/// </summary>
public sealed record ChannelPolicy : Record
{
    public required string ChannelCode { get; init; }

    /// <summary>Days after delivery (or shipment when no delivery is recorded) a return may be requested.</summary>
    public int ReturnWindowDays { get; init; } = 30;

    /// <summary>Tender kinds the channel accepts (<c>card</c>, <c>gift_card</c>, <c>cash</c>, <c>invoice</c>, …).</summary>
    public IReadOnlyList<string> AcceptedTenders { get; init; } = ["card"];

    public bool BackordersAllowed { get; init; }

    /// <summary>Hours from placing to shipping the channel promises.</summary>
    public int SlaHours { get; init; } = 48;

    /// <summary>A shipment may only ship once the order's tender is captured.</summary>
    public bool CaptureBeforeShipment { get; init; } = true;

    /// <summary>How long a placed order's reservations live before ICS expires them (seconds).</summary>
    public int ReservationTtlSeconds { get; init; } = 900;

    public string? UpdatedBy { get; init; }

    [JsonIgnore]
    public override string Key => ChannelCode;

    public static ChannelPolicy Default(string channel) => new() { ChannelCode = channel };

    public static RecordType<ChannelPolicy> Type { get; } = new("channel_policy");
}
