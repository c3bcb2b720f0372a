namespace Retail.Shared.Hosting;

public enum RuntimeMode
{
    /// <summary>One process, embedded durable building blocks (SQLite, outbox bus, embedded workflows).</summary>
    Embedded,

    /// <summary>Beside a Dapr sidecar: Dapr state, pub/sub, service invocation, bindings, workflows.</summary>
    Dapr,
}

/// <summary>Configuration section <c>Retail</c>.</summary>
public sealed class RetailOptions
{
    public const string Section = "Retail";

    public RuntimeMode Mode { get; set; } = RuntimeMode.Embedded;

    /// <summary>Where the embedded adapters keep their SQLite files, blobs and the mailbox.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>The deployment's operator key (in Dapr mode read from the secret store).</summary>
    public string? OperatorKey { get; set; }

    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Dapr mode: the app id of the front door (gateway/Retail.Gateway). A call its sidecar relays carries the app API
    /// token only for the hop, so it is served as the client's own credentials, never as an internal caller.
    /// </summary>
    public string GatewayAppId { get; set; } = "gateway";

    public string StateStoreName { get; set; } = "statestore";

    public string PubSubName { get; set; } = "pubsub";

    public string SecretStoreName { get; set; } = "secretstore";

    public string WebhookBindingName { get; set; } = "webhooks";

    public string MailBindingName { get; set; } = "mail";

    /// <summary>Base address the host calls itself on (embedded service invocation). Defaults to the server's own address.</summary>
    public string? SelfUrl { get; set; }

    /// <summary>
    /// The single-process host serves its calls to itself in memory (the same application and endpoint pipeline —
    /// authentication, roles, idempotency — without a socket); false sends them over loopback HTTP to <see cref="SelfUrl"/>.
    /// </summary>
    public bool InProcessInvocation { get; set; } = true;

    public EventDeliveryOptions Events { get; set; } = new();

    public EmbeddedStateOptions State { get; set; } = new();

    public string FullDataDir => Path.GetFullPath(DataDir);
}

public sealed class EventDeliveryOptions
{
    /// <summary>Failed deliveries before a message is moved to the dead-letter table.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a message delivered to every subscriber stays in the outbox (for inspection) before it is purged.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long one delivery may run; then its request is aborted and the attempt counts as failed, so a hung
    /// handler cannot hold up the other subscribers.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries of one app's outbox that run at the same time (each subject stays in order).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>
    /// The message data one bulk request carries at most (its first entry always goes, whatever its size): a subscriber's
    /// <c>maxMessagesCount</c> of large records would otherwise make a body beyond the endpoint's limit, refused again on
    /// every attempt.
    /// </summary>
    public int MaxBulkBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> for the embedded state files (WAL mode).</summary>
public enum StateDurability
{
    /// <summary>
    /// WAL + synchronous=NORMAL: a commit survives a killed process (it is in the WAL file the OS holds),
    /// but the last commits before a power loss or OS crash may be lost; the database is never corrupted.
    /// </summary>
    Normal,

    /// <summary>synchronous=FULL: every commit is fsynced to the WAL, so it also survives power loss; slower writes.</summary>
    Full,
}

public sealed class EmbeddedStateOptions
{
    public StateDurability Durability { get; set; } = StateDurability.Normal;

    /// <summary>How long a connection waits on SQLite's lock before failing with "database is locked".</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often expired entries are deleted and delivered outbox messages purged.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many entries (without a TTL) each app's store keeps in memory after reading them, so hot keys (a variant's
    /// projection, a price, a position) are served without SQLite; 0 turns the cache off. Every commit of this process
    /// drops the keys it wrote before the writer is answered.
    /// </summary>
    public int ReadCacheEntries { get; set; } = 1_000_000;

    /// <summary>
    /// The read cache's bound in MiB of keys and values (with an estimate of each entry's overhead), per app; reached
    /// before <see cref="ReadCacheEntries"/> when values are large. 0 turns the cache off. An app uses only what it reads.
    /// 256: a 100,000-variant catalog's barcodes and variants (~170 MB) fit; at 64 a warm cache held about 40% of them,
    /// and barcode resolves ran at 0.29× <c>/stat</c> against 0.45× with 256 (bench <c>catalog --warmup 60</c>, 2026-12-06).
    /// </summary>
    public int ReadCacheMiB { get; set; } = 256;

    /// <summary>
    /// SQLite's page cache of each app's writer connection, in MiB (SQLite's own default is 2). A write touches the
    /// table and every index it feeds at a random place; once those pages outgrow the cache, each write reads them
    /// back from the OS and the commit writes more of them to the WAL. The cache grows only as pages are used.
    /// </summary>
    public int WriterCacheMiB { get; set; } = 64;

    /// <summary>
    /// How often, at most, a background connection checkpoints each app's log into its file while commits arrive (a
    /// PASSIVE checkpoint: commits go on meanwhile); zero leaves checkpoints to the writer (SQLite's default).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Log pages past which the writer checkpoints itself (SQLite's wal_autocheckpoint): with the background checkpointer
    /// only a bound for when it falls behind; without it, the interval of every checkpoint (SQLite's default is 1,000).
    /// </summary>
    public int CheckpointPages { get; set; } = 10_000;

    /// <summary>The page cache of each reader connection, in MiB (read-mostly files also have the OS page cache behind it).</summary>
    public int ReaderCacheMiB { get; set; } = 8;

    /// <summary>
    /// How much of each app's file SQLite reads through a memory map (MiB; 0, the default: plain reads). Measured on the
    /// catalog benchmark, a 256 MiB map made barcode resolves a third slower (WAL readers still check the log per read
    /// and each new connection maps the file again) for a small gain on bulk writes; it is here for large read-mostly files.
    /// </summary>
    public int MemoryMapMiB { get; set; }
}
