using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retail.Shared.Records;
using Retail.Shared.State;

namespace Retail.Shared.Events;

/// <summary>
/// Which orgs a bus subscriber has work for. The embedded bus asks it when it turns an outbox message into a delivery and
/// stages none for an org the subscriber would answer with "nothing to do": a webhook fan-out for an org without webhooks
/// costs, per event, a delivery row written and deleted and the handler's reads, which on a catalog load was four of the
/// nine deliveries of every variant. Answering true is always safe (the handler still decides); the Dapr sidecar does
/// not ask (it delivers every message, as before).
/// </summary>
public interface IDeliveryInterest
{
    /// <summary>Whether a message of <paramref name="orgcode"/> (null: not an org's) may have work for the subscriber.</summary>
    bool Wants(string? orgcode);
}

/// <summary>
/// The orgs that hold at least one record the subscriber serves (a webhook, a partner subscription), kept in memory.
/// Until <see cref="MarkLoaded"/> (the records held before this process started have been read) every org is wanted.
/// A write that creates such a record calls <see cref="Add"/> before it commits, so a message committed after it is never
/// skipped; an org is never removed while the process runs (a deleted record leaves work the handler answers with
/// nothing, as without the set).
/// </summary>
public abstract class OrgDeliveryInterest : IDeliveryInterest
{
    private readonly ConcurrentDictionary<string, byte> _orgs = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    public bool Loaded => _loaded;

    public bool Wants(string? orgcode) => orgcode is null || !_loaded || _orgs.ContainsKey(orgcode);

    public void Add(string orgcode) => _orgs.TryAdd(orgcode, 0);

    public void MarkLoaded() => _loaded = true;
}

/// <summary>Endpoint metadata naming the <see cref="IDeliveryInterest"/> service of a subscriber endpoint.</summary>
public sealed record DeliveryInterestMetadata(Type ServiceType);

public static class DeliveryInterestConventions
{
    /// <summary>The embedded bus stages this subscriber's deliveries only for the orgs <typeparamref name="TInterest"/> wants.</summary>
    public static RouteHandlerBuilder WithDeliveryInterest<TInterest>(this RouteHandlerBuilder builder)
        where TInterest : IDeliveryInterest =>
        builder.WithMetadata(new DeliveryInterestMetadata(typeof(TInterest)));

    /// <summary>The interest an endpoint's metadata names, resolved from <paramref name="services"/>; null when it names none.</summary>
    internal static IDeliveryInterest? InterestOf(IServiceProvider services, Microsoft.AspNetCore.Http.EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<DeliveryInterestMetadata>() is { } named ? (IDeliveryInterest)services.GetRequiredService(named.ServiceType) : null;
}

/// <summary>
/// Fills an <see cref="OrgDeliveryInterest"/> at start from the records that make an org wanted (those matching
/// <paramref name="filters"/> across orgs, through an index across orgs), then marks it loaded. Until then, and while a read
/// fails (retried), every org is wanted.
/// </summary>
public sealed class OrgDeliveryInterestLoader<TInterest, TRecord>(IServiceProvider services, TInterest interest,
    IReadOnlyList<StateFilter> filters, TimeProvider clock, ILogger<TInterest> logger) : BackgroundService
    where TInterest : OrgDeliveryInterest
    where TRecord : Record
{
    private const int PageSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await LoadAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Reading which orgs {Interest} wants failed (attempt {Attempt}); every org is wanted until it succeeds",
                    typeof(TInterest).Name, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 2 * attempt)), clock, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var records = scope.ServiceProvider.GetRequiredService<RecordStore<TRecord>>();
        string? token = null;
        var orgs = 0;
        do
        {
            var page = await records.ListAcrossOrgsAsync(filters, PageSize, token, ct: ct).ConfigureAwait(false);
            foreach (var (orgcode, _) in page.Items)
            {
                interest.Add(orgcode);
                orgs++;
            }
            token = page.NextToken;
        }
        while (token is not null);
        interest.MarkLoaded();
        logger.LogInformation("{Interest}: {Records} records read; deliveries are staged only for their orgs", typeof(TInterest).Name, orgs);
    }
}

public static class DeliveryInterestRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TInterest"/> (one per process) and its loader over the <typeparamref name="TRecord"/>
    /// records matching <paramref name="filters"/>; subscriber endpoints name it with
    /// <see cref="DeliveryInterestConventions.WithDeliveryInterest{TInterest}"/>.
    /// </summary>
    public static IServiceCollection AddOrgDeliveryInterest<TInterest, TRecord>(this IServiceCollection services, params StateFilter[] filters)
        where TInterest : OrgDeliveryInterest, new()
        where TRecord : Record
    {
        services.AddSingleton<TInterest>();
        services.AddHostedService(sp => new OrgDeliveryInterestLoader<TInterest, TRecord>(sp, sp.GetRequiredService<TInterest>(), filters,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TInterest>>()));
        return services;
    }
}
