namespace Retail.Shared;

/// <summary>
/// New identifiers for records, events and requests: UUIDv7, which sort by the time they were made.
/// </summary>
/// <remarks>
/// <see cref="Guid.CreateVersion7()"/> fills everything after the millisecond with random bits, so two ids made in the
/// same millisecond sort in any order, and a list that pages in key order (packs, orders, comments) shows them out of
/// the order they were created in. UUIDNext keeps a counter within the millisecond (RFC 9562 §6.2, method 1) and never
/// lets the clock run backwards, so the ids of one process always ascend.
/// </remarks>
public static class Ids
{
    /// <summary>A UUIDv7 greater than every id this process made before it.</summary>
    public static Guid NewGuid() => UUIDNext.Uuid.NewSequential();

    /// <summary><see cref="NewGuid"/> in its canonical hyphenated lowercase form.</summary>
    public static string New() => NewGuid().ToString();
}
