using Microsoft.Extensions.Options;

namespace Retail.Ipm.Cdc;

/// <summary>The CDC feed's settings (configuration section <c>Ipm:Cdc</c>).</summary>
public sealed class CdcOptions
{
    public const string Section = "Ipm:Cdc";

    /// <summary>Entries older than this are swept; a cursor before the oldest kept entry answers 410 <c>cursor_expired</c>.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often retention runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Entries one retention batch deletes (a pass runs batches until nothing is due).</summary>
    public int SweepBatch { get; set; } = 500;

    /// <summary>Changes the writer commits together at most.</summary>
    public int MaxBatch { get; set; } = 2000;

    /// <summary>How long a batch that is not full waits for more changes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Attempts of a batch that loses a race before its deliveries fail (and are redelivered).</summary>
    public int Attempts { get; set; } = 6;
}

public sealed class CdcOptionsValidator : IValidateOptions<CdcOptions>
{
    public ValidateOptionsResult Validate(string? name, CdcOptions options) =>
        options.Retention > TimeSpan.Zero && options.SweepInterval > TimeSpan.Zero && options.SweepBatch > 0 && options.MaxBatch > 0
        && options.Window >= TimeSpan.Zero && options.Attempts > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{CdcOptions.Section}: Retention, SweepInterval, SweepBatch, MaxBatch and Attempts must be positive, Window not negative");
}
