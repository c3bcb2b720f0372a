using Retail.Ics.Stock;

namespace Retail.Ics.Holds;

/// <summary>
/// The pure decisions of holds: which lines a hold claims, which stock moves each change of a hold is, and which
/// changes a hold's status allows. The handlers only load, decide through these, and hand the moves to the ledger.
/// </summary>
public static class HoldRules
{
    public const int DefaultReservationTtlSeconds = 900;
    public const int MinTtlSeconds = 10;
    public const int MaxTtlSeconds = 604_800;
    public const long MaxQuantity = 1_000_000;

    /// <summary>
    /// Active holds can be released (by their caller, or continued into the next stage), expired (their time ran out, or
    /// an admin ended them) or shipped; a hold that ended stays ended.
    /// </summary>
    public static readonly StateMachine<HoldStatus> Statuses = new(new Dictionary<HoldStatus, HoldStatus[]>
    {
        [HoldStatus.Active] = [HoldStatus.Released, HoldStatus.Expired, HoldStatus.Shipped],
        [HoldStatus.Released] = [],
        [HoldStatus.Expired] = [],
        [HoldStatus.Shipped] = [],
    });

    /// <summary>The stage a hold may continue into from each stage: a reservation is allocated or committed, an allocation committed.</summary>
    public static bool CanContinue(HoldStage from, HoldStage to) => to > from;

    /// <summary>
    /// The lines a hold of <paramref name="quantity"/> claims: the variant itself, or — for a kit — each component of one
    /// kit (<paramref name="perKit"/>, nested kits already flattened) times the quantity, a component that appears more
    /// than once summed, in a stable order.
    /// </summary>
    public static IReadOnlyList<HoldLine> LinesOf(string variantGuid, long quantity, IReadOnlyList<HoldLine>? perKit) =>
        perKit is null
            ? [new HoldLine(variantGuid, quantity)]
            : perKit.GroupBy(c => c.VariantGuid, StringComparer.Ordinal)
                .Select(g => new HoldLine(g.Key, g.Sum(c => c.Quantity) * quantity))
                .OrderBy(l => l.VariantGuid, StringComparer.Ordinal)
                .ToList();

    /// <summary>Placing a hold straight from stock: each line leaves <c>available</c> for the stage's state.</summary>
    public static IReadOnlyList<StockMove> PlaceMoves(string facilityCode, IReadOnlyList<HoldLine> lines, HoldStage stage) =>
        lines.Select(l => new StockMove(facilityCode, l.VariantGuid, StockState.Available, StateOf(stage), l.Quantity)).ToList();

    /// <summary>Continuing a hold into a later stage: each line moves from the old stage's state to the new one's.</summary>
    public static IReadOnlyList<StockMove> ContinueMoves(Hold from, HoldStage stage) =>
        from.Lines.Select(l => new StockMove(from.FacilityCode, l.VariantGuid, from.State, StateOf(stage), l.Quantity)).ToList();

    /// <summary>Ending a hold (released or expired): its stock goes back to <c>available</c>.</summary>
    public static IReadOnlyList<StockMove> ReturnMoves(Hold hold) =>
        hold.Lines.Select(l => new StockMove(hold.FacilityCode, l.VariantGuid, hold.State, StockState.Available, l.Quantity)).ToList();

    public static StockState StateOf(HoldStage stage) => stage switch
    {
        HoldStage.Reserved => StockState.Reserved,
        HoldStage.Allocated => StockState.Allocated,
        _ => StockState.Committed,
    };

    /// <summary>When a hold placed now with <paramref name="ttlSeconds"/> runs out; reservations always do (15 minutes unless asked).</summary>
    public static DateTimeOffset? ExpiryOf(HoldStage stage, int? ttlSeconds, DateTimeOffset now) =>
        ttlSeconds is { } ttl ? now.AddSeconds(ttl)
        : stage == HoldStage.Reserved ? now.AddSeconds(DefaultReservationTtlSeconds)
        : null;

    /// <summary>The movement reason code of a hold change.</summary>
    public static string ReasonOf(HoldStage stage) => stage switch
    {
        HoldStage.Reserved => "reserve",
        HoldStage.Allocated => "allocate",
        _ => "commit",
    };

    public static string ReasonOf(HoldStatus ended) => ended == HoldStatus.Expired ? "expire" : "release";

    /// <summary>The word a hold of a stage is called by (reservation, allocation, commitment).</summary>
    public static string NounOf(HoldStage stage) => stage switch
    {
        HoldStage.Reserved => "reservation",
        HoldStage.Allocated => "allocation",
        _ => "commitment",
    };
}
