using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>A message waiting for one subscriber; <see cref="OrderKey"/> (the subject) orders it, null leaves it unordered.</summary>
internal sealed record PendingDelivery(string Subscriber, long Seq, string? OrderKey, int Attempts, OutboxMessage Message);

/// <summary>
/// The delivery progress of one app database, all in SQLite: each subscriber's cursor over the outbox (the last
/// message fanned out to it), a row per message still owed to a subscriber, and the dead letters.
/// </summary>
internal sealed class DeliveryLedger(EmbeddedDatabase database)
{
    private const string MessageColumns = "o.id, o.topic, o.type, o.source, o.subject, o.orgcode, o.data, o.time, o.traceparent, o.is_cdc";

    // The ids registered in this file by this process, and the lowest cursor among the active subscribers.
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);
    private long _fannedUpTo = -1;

    // Whether this process has recorded its subscribers in the file (and so released the start position kept for them).
    private bool _started;

    private const string ForgetStartSql = $"DELETE FROM meta WHERE name = '{EmbeddedDatabase.SubscriberStartName}'";

    // The subscribers that have had delivery rows in this file (read once, then added to as rows are made): a host
    // registers hundreds of subscribers, a file's messages reach a handful, and every query of what is due names them.
    private readonly Lock _owedGate = new();
    private HashSet<string>? _owed;

    public EmbeddedDatabase Database => database;

    /// <summary>
    /// Turns new outbox messages into delivery rows for the subscribers of their topic. A subscriber seen for the
    /// first time starts at <see cref="EmbeddedDatabase.StartSeq"/>, so it receives every message committed since the
    /// first start of a host that had it: none lost to start-up races, nor to a host stopped before its first round
    /// recorded its subscribers (the position it opened at is kept in the file until a round does); no history
    /// replayed beyond that. A subscriber whose <see cref="TopicSubscriber.Interest"/> does not want a message's org gets no row
    /// for it. Returns whether rows were inserted or more messages wait.
    /// A round costs its messages, not the subscriber count: the cursors are read as their lowest and highest (equal once
    /// every subscriber has been fanned out to the same message, the usual case) and advanced in one statement.
    /// </summary>
    public async Task<bool> FanOutAsync(IReadOnlyList<TopicSubscriber> subscribers, long now, CancellationToken cancellationToken)
    {
        if (subscribers.Count == 0)
        {
            // Every subscriber this process has (none) is recorded: the next process starts where it opens.
            if (!_started)
            {
                await database.WriteAsync(batch => batch.Command(ForgetStartSql).ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
                _started = true;
            }
            return false;
        }
        var unregistered = subscribers.Where(s => !_registered.Contains(s.Id)).ToList();
        if (unregistered.Count == 0 && _fannedUpTo >= 0)
        {
            using var connection = database.RentReader();
            var probe = connection.Command("SELECT coalesce(max(seq), 0) FROM outbox");
            var last = Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (last <= _fannedUpTo)
            {
                return false;
            }
        }

        const int BatchSize = 1000;
        var shape = SubscriberSet.Of(subscribers);
        var (inserted, more, lowest, owing) = await database.WriteAsync(batch =>
        {
            foreach (var subscriber in unregistered)
            {
                var register = batch.Command("""
                    INSERT INTO subscribers (id, topics, cursor, first_seen_at) VALUES ($id, $topics, $start, $now)
                    ON CONFLICT (id) DO UPDATE SET topics = excluded.topics
                    """);
                register.Parameters.AddWithValue("$id", subscriber.Id);
                register.Parameters.AddWithValue("$topics", subscriber.TopicList);
                register.Parameters.AddWithValue("$start", database.StartSeq);
                register.Parameters.AddWithValue("$now", now);
                register.ExecuteNonQuery();
            }
            if (unregistered.Count > 0)
            {
                batch.Command(ForgetStartSql).ExecuteNonQuery();
            }

            var range = batch.Command("SELECT min(cursor), max(cursor) FROM subscribers WHERE id IN (SELECT value FROM json_each($ids))");
            range.Parameters.AddWithValue("$ids", shape.IdsJson);
            long lowestCursor;
            long highestCursor;
            using (var reader = range.ExecuteReader())
            {
                reader.Read();
                lowestCursor = reader.GetInt64(0);
                highestCursor = reader.GetInt64(1);
            }
            // Cursors apart (a subscriber registered later, or one another process moved): each one, as stored.
            Dictionary<string, long>? cursors = null;
            if (lowestCursor != highestCursor)
            {
                cursors = new Dictionary<string, long>(StringComparer.Ordinal);
                using var reader = batch.Command("SELECT id, cursor FROM subscribers").ExecuteReader();
                while (reader.Read())
                {
                    cursors[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            var rows = new List<(long Seq, string Topic, string? Subject, string? Orgcode)>();
            var select = batch.Command($"SELECT seq, topic, subject, orgcode FROM outbox WHERE seq > $from ORDER BY seq LIMIT {BatchSize}");
            select.Parameters.AddWithValue("$from", lowestCursor);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3)));
                }
            }

            var count = 0;
            var owing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (seq, topic, subject, orgcode) in rows)
            {
                if (!shape.ByTopic.TryGetValue(topic, out var receivers))
                {
                    continue;
                }
                foreach (var subscriber in receivers)
                {
                    // A subscriber with no work for the message's org (no webhook there) gets no row: its cursor passes it.
                    if (seq <= (cursors is null ? lowestCursor : cursors[subscriber.Id]) || subscriber.Interest?.Wants(orgcode) == false)
                    {
                        continue;
                    }
                    var insert = batch.Command("INSERT OR IGNORE INTO deliveries (subscriber, seq, order_key) VALUES ($s, $q, $k)");
                    insert.Parameters.AddWithValue("$s", subscriber.Id);
                    insert.Parameters.AddWithValue("$q", seq);
                    insert.Parameters.AddWithValue("$k", (object?)subject ?? DBNull.Value);
                    if (insert.ExecuteNonQuery() > 0)
                    {
                        count++;
                        owing.Add(subscriber.Id);
                    }
                }
            }

            if (rows.Count == 0)
            {
                return (count, false, lowestCursor, owing);
            }
            var to = rows[^1].Seq;
            var advance = batch.Command("UPDATE subscribers SET cursor = $to WHERE cursor < $to AND id IN (SELECT value FROM json_each($ids))");
            advance.Parameters.AddWithValue("$to", to);
            advance.Parameters.AddWithValue("$ids", shape.IdsJson);
            advance.ExecuteNonQuery();
            // Every cursor is now at least `to`: the lowest is the higher of the two.
            return (count, rows.Count == BatchSize, Math.Max(lowestCursor, to), owing);
        }, cancellationToken).ConfigureAwait(false);

        foreach (var subscriber in unregistered)
        {
            _registered.Add(subscriber.Id);
        }
        _started = true;
        _fannedUpTo = lowest;
        if (owing.Count > 0)
        {
            await OweAsync(owing, cancellationToken).ConfigureAwait(false);
        }
        return inserted > 0 || more;
    }

    /// <summary>Of <paramref name="subscribers"/>, those that have had delivery rows in this file: the only ones anything can be due for.</summary>
    public async Task<List<TopicSubscriber>> OwingAsync(IReadOnlyList<TopicSubscriber> subscribers, CancellationToken cancellationToken)
    {
        var owed = await OwedAsync(cancellationToken).ConfigureAwait(false);
        lock (_owedGate)
        {
            return [.. subscribers.Where(s => owed.Contains(s.Id))];
        }
    }

    private async Task OweAsync(IEnumerable<string> subscribers, CancellationToken cancellationToken)
    {
        var owed = await OwedAsync(cancellationToken).ConfigureAwait(false);
        lock (_owedGate)
        {
            owed.UnionWith(subscribers);
        }
    }

    /// <summary>The subscribers with delivery rows when this process first asks, read by skipping from one to the next in the key.</summary>
    private async Task<HashSet<string>> OwedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _owed) is { } known)
        {
            return known;
        }
        var found = new HashSet<string>(StringComparer.Ordinal);
        using (var connection = database.RentReader())
        {
            var next = connection.Command("SELECT min(subscriber) FROM deliveries WHERE subscriber > $after");
            var after = "";
            while (true)
            {
                next.Parameters.Clear();
                next.Parameters.AddWithValue("$after", after);
                if (await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string subscriber)
                {
                    break;
                }
                found.Add(subscriber);
                after = subscriber;
            }
        }
        lock (_owedGate)
        {
            // Rows made meanwhile were added to a set that did not exist yet: a second reader keeps the first's set.
            _owed ??= found;
            return _owed;
        }
    }

    /// <summary>
    /// The deliveries that may run now: unordered ones and the oldest of each (subscriber, subject), when due.
    /// A message behind a failing one of the same subject waits; nothing else does. The query walks <c>deliveries_seq</c> in order and stops at the
    /// limit; answered through the primary key instead (SQLite's choice for the subscriber list), it read every pending
    /// delivery of those subscribers and sorted them on each round: 1.5 s a round at 200,000 pending.
    /// </summary>
    public async Task<List<PendingDelivery>> DueHeadsAsync(IReadOnlyList<TopicSubscriber> subscribers, long now, int limit, CancellationToken cancellationToken)
    {
        subscribers = await OwingAsync(subscribers, cancellationToken).ConfigureAwait(false);
        if (subscribers.Count == 0)
        {
            return [];
        }
        using var connection = database.RentReader();
        var command = connection.Command(DueHeadsSql(subscribers.Count, limit));
        Bind(command, subscribers);
        command.Parameters.AddWithValue("$now", now);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    internal static string DueHeadsSql(int subscribers, int limit) => $"""
        SELECT d.subscriber, d.seq, d.order_key, d.attempts, {MessageColumns}
        FROM deliveries d INDEXED BY deliveries_seq JOIN outbox o ON o.seq = d.seq
        WHERE d.subscriber IN ({InClause(subscribers)}) AND d.next_attempt_at <= $now
          AND (d.order_key IS NULL OR d.seq = (SELECT min(x.seq) FROM deliveries x WHERE x.subscriber = d.subscriber AND x.order_key = d.order_key))
        ORDER BY d.seq LIMIT {limit}
        """;

    /// <summary>
    /// What a bulk subscriber may take now, oldest first, up to <paramref name="limit"/>: its due deliveries in sequence
    /// order, leaving out every subject whose head is backing off (so a subject's messages still arrive in order, the
    /// failed one first). Read through the primary key (subscriber, seq), which NOT INDEXED keeps SQLite
    /// to (the table has no statistics to choose by); the subjects backing off are few and come
    /// from the retry index once per query.
    /// </summary>
    public async Task<List<PendingDelivery>> DueBatchAsync(string subscriber, long now, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.RentReader();
        var command = connection.Command(DueBatchSql(limit));
        command.Parameters.AddWithValue("$s", subscriber);
        command.Parameters.AddWithValue("$now", now);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    internal static string DueBatchSql(int limit) => $"""
        SELECT d.subscriber, d.seq, d.order_key, d.attempts, {MessageColumns}
        FROM deliveries d NOT INDEXED JOIN outbox o ON o.seq = d.seq
        WHERE d.subscriber = $s AND d.next_attempt_at <= $now
          AND (d.order_key IS NULL OR d.order_key NOT IN (
              SELECT b.order_key FROM deliveries b INDEXED BY deliveries_retry
              WHERE b.attempts > 0 AND b.next_attempt_at > $now AND b.subscriber = $s AND b.order_key IS NOT NULL))
        ORDER BY d.seq LIMIT {limit}
        """;

    /// <summary>
    /// The next deliveries of one (subscriber, subject) after a head, in order, read through <c>deliveries_order</c>. Left
    /// to itself (the host's file has no statistics for the backlog), SQLite walks the primary key from <c>$after</c>,
    /// which is in <c>seq</c> order too, and tests every later delivery of the subscriber for the subject: with 44,000
    /// pending that was half of the host's SQLite time while a backlog drained.
    /// </summary>
    public async Task<List<PendingDelivery>> FollowingAsync(string subscriber, string orderKey, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        using var connection = database.RentReader();
        var command = connection.Command(FollowingSql(limit));
        command.Parameters.AddWithValue("$s", subscriber);
        command.Parameters.AddWithValue("$k", orderKey);
        command.Parameters.AddWithValue("$after", afterSeq);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    internal static string FollowingSql(int limit) => $"""
        SELECT d.subscriber, d.seq, d.order_key, d.attempts, {MessageColumns}
        FROM deliveries d INDEXED BY deliveries_order JOIN outbox o ON o.seq = d.seq
        WHERE d.subscriber = $s AND d.order_key = $k AND d.seq > $after
        ORDER BY d.seq LIMIT {limit}
        """;

    /// <summary>
    /// When the next retry falls due. Only a head is ever attempted, so the earliest <c>next_attempt_at</c> among attempted
    /// deliveries (a small partial index) is the earliest retry; a head never attempted is due at once and is taken by the
    /// next round, which a commit or a requeue signals. The dispatcher also polls, so this only shortens a wait.
    /// </summary>
    public async Task<long?> NextDueAsync(IReadOnlyList<TopicSubscriber> subscribers, CancellationToken cancellationToken)
    {
        subscribers = await OwingAsync(subscribers, cancellationToken).ConfigureAwait(false);
        if (subscribers.Count == 0)
        {
            return null;
        }
        using var connection = database.RentReader();
        var command = connection.Command(NextDueSql(subscribers.Count));
        Bind(command, subscribers);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    internal static string NextDueSql(int subscribers) => $"""
        SELECT min(d.next_attempt_at) FROM deliveries d INDEXED BY deliveries_retry
        WHERE d.attempts > 0 AND d.subscriber IN ({InClause(subscribers)})
        """;

    public Task CompleteAsync(IReadOnlyCollection<PendingDelivery> deliveries, CancellationToken cancellationToken) =>
        deliveries.Count == 0 ? Task.CompletedTask : database.WriteAsync(batch =>
        {
            foreach (var delivery in deliveries)
            {
                var delete = batch.Command("DELETE FROM deliveries WHERE subscriber = $s AND seq = $q");
                delete.Parameters.AddWithValue("$s", delivery.Subscriber);
                delete.Parameters.AddWithValue("$q", delivery.Seq);
                delete.ExecuteNonQuery();
            }
            return deliveries.Count;
        }, cancellationToken);

    public Task RetryLaterAsync(PendingDelivery delivery, string error, long nextAttemptAt, CancellationToken cancellationToken) =>
        database.WriteAsync(batch =>
        {
            var update = batch.Command("UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $at, last_error = $e WHERE subscriber = $s AND seq = $q");
            update.Parameters.AddWithValue("$at", nextAttemptAt);
            update.Parameters.AddWithValue("$e", error);
            update.Parameters.AddWithValue("$s", delivery.Subscriber);
            update.Parameters.AddWithValue("$q", delivery.Seq);
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task DeadLetterAsync(PendingDelivery delivery, int attempts, string error, long now, CancellationToken cancellationToken) =>
        database.WriteAsync(batch =>
        {
            var insert = batch.Command("""
                INSERT INTO dead_letters (subscriber, seq, attempts, last_error, dead_at) VALUES ($s, $q, $a, $e, $now)
                ON CONFLICT (subscriber, seq) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error, dead_at = excluded.dead_at
                """);
            insert.Parameters.AddWithValue("$s", delivery.Subscriber);
            insert.Parameters.AddWithValue("$q", delivery.Seq);
            insert.Parameters.AddWithValue("$a", attempts);
            insert.Parameters.AddWithValue("$e", error);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
            var delete = batch.Command("DELETE FROM deliveries WHERE subscriber = $s AND seq = $q");
            delete.Parameters.AddWithValue("$s", delivery.Subscriber);
            delete.Parameters.AddWithValue("$q", delivery.Seq);
            return delete.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>
    /// Deletes outbox messages older than the retention that every active subscriber has been handed and that no
    /// delivery or dead letter still refers to.
    /// </summary>
    /// <summary>
    /// Deletes delivered messages committed before <paramref name="olderThan"/>. Sequence numbers are given in commit order,
    /// so the newest old enough message is found by a binary search over the sequence (point reads), and only the
    /// messages up to it are examined: the outbox of a busy file holds hundreds of thousands of recent messages, and a
    /// scan of them all held the writer for seconds on every sweep. The time is checked again row by row, so a clock that
    /// stepped back never deletes a message inside its retention.
    /// </summary>
    public Task<int> PurgeAsync(long olderThan, CancellationToken cancellationToken) =>
        database.WriteAsync(batch =>
        {
            var cutoff = LastSeqCommittedBefore(batch, olderThan, _fannedUpTo < 0 ? long.MaxValue : _fannedUpTo);
            if (cutoff is null)
            {
                return 0;
            }
            var purge = batch.Command("""
                DELETE FROM outbox WHERE seq IN (
                    SELECT o.seq FROM outbox o
                    WHERE o.seq <= $cutoff AND o.committed_at < $before
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = o.seq)
                      AND NOT EXISTS (SELECT 1 FROM dead_letters x WHERE x.seq = o.seq)
                    LIMIT 5000)
                """);
            purge.Parameters.AddWithValue("$cutoff", cutoff.Value);
            purge.Parameters.AddWithValue("$before", olderThan);
            return purge.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>The highest sequence at or below <paramref name="limit"/> whose message was committed before <paramref name="before"/>.</summary>
    private static long? LastSeqCommittedBefore(WriteBatch batch, long before, long limit)
    {
        var probe = batch.Command("SELECT seq, committed_at FROM outbox WHERE seq >= $from AND seq <= $to ORDER BY seq LIMIT 1");
        long? found = null;
        var (low, high) = (0L, limit);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            probe.Parameters.Clear();
            probe.Parameters.AddWithValue("$from", middle);
            probe.Parameters.AddWithValue("$to", high);
            using var reader = probe.ExecuteReader();
            if (!reader.Read())
            {
                high = middle - 1;
                continue;
            }
            var seq = reader.GetInt64(0);
            if (reader.GetInt64(1) < before)
            {
                found = seq;
                low = seq + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    public async Task<long> PendingCountAsync(IReadOnlyList<TopicSubscriber> subscribers, CancellationToken cancellationToken)
    {
        if (subscribers.Count == 0)
        {
            return 0;
        }
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$ids", SubscriberSet.Of(subscribers).IdsJson);
        command.CommandText = """
            SELECT (SELECT count(*) FROM deliveries WHERE subscriber IN (SELECT value FROM json_each($ids)))
                 + (SELECT count(*) FROM outbox o JOIN subscribers s ON o.seq > s.cursor AND instr(s.topics, char(10) || o.topic || char(10)) > 0
                    WHERE s.id IN (SELECT value FROM json_each($ids)))
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<List<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT x.subscriber, o.id, o.topic, o.type, o.subject, o.orgcode, x.attempts, x.last_error, x.dead_at
            FROM dead_letters x JOIN outbox o ON o.seq = x.seq
            ORDER BY x.dead_at, x.seq LIMIT {limit}
            """;
        var result = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DeadLetter(
                database.AppId,
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
        }
        return result;
    }

    /// <summary>Moves a dead letter back to the deliveries, with its attempts reset; false when there is none.</summary>
    public async Task<bool> RequeueAsync(string subscriber, string messageId, CancellationToken cancellationToken)
    {
        var requeued = await database.WriteAsync(batch =>
        {
            var find = batch.Command("""
                SELECT x.seq, o.subject FROM dead_letters x JOIN outbox o ON o.seq = x.seq
                WHERE x.subscriber = $s AND o.id = $id
                """);
            find.Parameters.AddWithValue("$s", subscriber);
            find.Parameters.AddWithValue("$id", messageId);
            long seq;
            object subject;
            using (var reader = find.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return false;
                }
                seq = reader.GetInt64(0);
                subject = reader.IsDBNull(1) ? DBNull.Value : reader.GetString(1);
            }
            var delete = batch.Command("DELETE FROM dead_letters WHERE subscriber = $s AND seq = $q");
            delete.Parameters.AddWithValue("$s", subscriber);
            delete.Parameters.AddWithValue("$q", seq);
            delete.ExecuteNonQuery();
            var insert = batch.Command("INSERT OR IGNORE INTO deliveries (subscriber, seq, order_key) VALUES ($s, $q, $k)");
            insert.Parameters.AddWithValue("$s", subscriber);
            insert.Parameters.AddWithValue("$q", seq);
            insert.Parameters.AddWithValue("$k", subject);
            insert.ExecuteNonQuery();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (requeued)
        {
            await OweAsync([subscriber], cancellationToken).ConfigureAwait(false);
            database.Signal();
        }
        return requeued;
    }

    private static string InClause(int count)
    {
        var names = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            names.Append(i == 0 ? "" : ", ").Append("$sub").Append(i.ToString(CultureInfo.InvariantCulture));
        }
        return names.ToString();
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<TopicSubscriber> subscribers)
    {
        for (var i = 0; i < subscribers.Count; i++)
        {
            command.Parameters.AddWithValue("$sub" + i.ToString(CultureInfo.InvariantCulture), subscribers[i].Id);
        }
    }

    private static async Task<List<PendingDelivery>> ReadDeliveriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<PendingDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var message = new OutboxMessage(
                Id: reader.GetString(4),
                Topic: reader.GetString(5),
                Type: reader.GetString(6),
                Source: reader.GetString(7),
                Subject: reader.IsDBNull(8) ? null : reader.GetString(8),
                Orgcode: reader.IsDBNull(9) ? null : reader.GetString(9),
                Data: reader.GetFieldValue<byte[]>(10),
                Time: DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                TraceParent: reader.IsDBNull(12) ? null : reader.GetString(12),
                IsChangeDataCapture: reader.GetInt64(13) != 0);
            result.Add(new PendingDelivery(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt32(3),
                message));
        }
        return result;
    }
}

/// <summary>A message a subscriber could not take after every attempt, or dropped.</summary>
public sealed record DeadLetter(
    string AppId,
    string Subscriber,
    string MessageId,
    string Topic,
    string Type,
    string? Subject,
    string? Orgcode,
    int Attempts,
    string? LastError,
    DateTimeOffset DeadAt);

/// <summary>
/// What a round of the bus needs of the subscriber list, made once per list (the list is replaced, not changed, when the
/// endpoints change): the subscribers of each topic, the single and bulk ones, and their ids as a JSON array for
/// <c>json_each</c> (one parameter instead of hundreds, which SQLite looks up by name one by one).
/// </summary>
internal sealed class SubscriberSet
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<TopicSubscriber>, SubscriberSet> Sets = [];

    private SubscriberSet(IReadOnlyList<TopicSubscriber> subscribers)
    {
        var byTopic = new Dictionary<string, List<TopicSubscriber>>(StringComparer.Ordinal);
        foreach (var subscriber in subscribers)
        {
            foreach (var topic in subscriber.Topics)
            {
                if (!byTopic.TryGetValue(topic, out var list))
                {
                    byTopic[topic] = list = [];
                }
                list.Add(subscriber);
            }
        }
        ByTopic = byTopic;
        ById = subscribers.DistinctBy(s => s.Id).ToDictionary(s => s.Id, StringComparer.Ordinal);
        Single = [.. subscribers.Where(s => !s.IsBulk)];
        Bulk = [.. subscribers.Where(s => s.IsBulk)];
        IdsJson = System.Text.Json.JsonSerializer.Serialize(subscribers.Select(s => s.Id).ToArray());
    }

    public static SubscriberSet Of(IReadOnlyList<TopicSubscriber> subscribers) => Sets.GetValue(subscribers, list => new SubscriberSet(list));

    public IReadOnlyDictionary<string, List<TopicSubscriber>> ByTopic { get; }

    public IReadOnlyDictionary<string, TopicSubscriber> ById { get; }

    public IReadOnlyList<TopicSubscriber> Single { get; }

    public IReadOnlyList<TopicSubscriber> Bulk { get; }

    public string IdsJson { get; }
}
