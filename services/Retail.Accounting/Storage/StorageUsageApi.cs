using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Shared.Collaboration;

namespace Retail.Accounting.Storage;

/// <summary>
/// Storage usage (<c>/storage/usage/record|get|list|reconcile</c>, UC-ACC-003), operator-only, in the org of <c>x-orgcode</c>:
/// measurements are recorded append-only (by the operator, or daily by <see cref="StorageMeasurementSweep"/>); reconcile
/// measures every service now, compares with the latest recorded values and, beyond the threshold, publishes
/// <c>storage.drift_found</c> and opens an inbox item about the recorded value, in one batch.
/// </summary>
public static class StorageUsageApi
{
    public static RouteGroupBuilder MapStorageUsageEndpoints(this IEndpointRouteBuilder routes)
    {
        var usage = routes.MapGroup("/storage/usage").WithTags("Storage usage");
        usage.MapPost("/record", RecordUsage).RequireRole(Role.Operator).AsWrite()
            .WithSummary("Record a measurement of what a service stores for the org (bytes, records, measured_at, source scheduled|manual); append-only.");
        usage.MapPost("/get", Get).RequireRole(Role.Operator)
            .WithSummary("A measurement by storage_usage_guid, or the latest recorded for a service.");
        usage.MapPost("/list", List).RequireRole(Role.Operator)
            .WithSummary("The org's measurements, of a service or all, in a measured_at range, oldest first; paged.");
        usage.MapPost("/reconcile", Reconcile).RequireRole(Role.Operator).AsWrite()
            .WithSummary("Measure now and compare with the latest recorded values per service; drift beyond the threshold publishes storage.drift_found and opens an inbox item.");
        return usage;
    }

    /// <summary>How far ahead of the clock a measured_at may be (clocks of the measuring side differ a little).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static async Task<Results<Created<StorageUsage>, ProblemHttpResult>> RecordUsage(RecordStorageUsageRequest request,
        RecordStore<StorageUsage> usages, StorageMeasurer measurer, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var service = Codes.Normalize(request.Service!);
        var now = clock.GetUtcNow();
        if (request.MeasuredAt is { } at && at > now + ClockSkew)
        {
            return ApiProblem.Validation("measured_at", "must not be in the future");
        }
        if (!measurer.Measures(service))
        {
            return AccountingProblems.UnknownService(service, measurer.Services);
        }
        var usage = new StorageUsage
        {
            StorageUsageGuid = Ids.New(),
            Service = service,
            Bytes = request.Bytes!.Value,
            Records = request.Records ?? 0,
            MeasuredAt = (request.MeasuredAt ?? now).ToUniversalTime(),
            Source = request.Source ?? StorageSource.Manual,
            Note = RequestRules.Trimmed(request.Note),
            RecordedBy = context.RequirePrincipal().Id,
        };
        return (await usages.CreateAsync(orgcode, usage, [Recorded(orgcode, usage)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<StorageUsage>, ProblemHttpResult>> Get(StorageUsageKeyRequest request, RecordStore<StorageUsage> usages,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var found = request.StorageUsageGuid is { } guid
            ? (await usages.GetAsync(orgcode, Guid.Parse(guid).ToString(), ct: ct))?.Record
            : await LatestAsync(usages, orgcode, Codes.Normalize(request.Service!), ct);
        return found is null ? ApiProblem.NotFound("No such storage usage in this org.") : TypedResults.Ok(found);
    }

    public static async Task<Ok<Page<StorageUsage>>> List(StorageUsageListRequest request, RecordStore<StorageUsage> usages, RequestContext context,
        CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Service is { } service)
        {
            filters.Add(StateFilter.Eq("service", Codes.Normalize(service)));
        }
        if (request.MeasuredFrom is { } from)
        {
            filters.Add(StateFilter.Above("measured_ms", from.ToUnixTimeMilliseconds(), inclusive: true));
        }
        if (request.MeasuredTo is { } to)
        {
            filters.Add(StateFilter.Below("measured_ms", to.ToUnixTimeMilliseconds()));
        }
        if (request.Source is { } source)
        {
            filters.Add(StateFilter.Eq("source", source));
        }
        return TypedResults.Ok(await usages.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("measured_ms")], ct: ct));
    }

    public static async Task<Results<Ok<StorageReconciliation>, ProblemHttpResult>> Reconcile(ReconcileStorageRequest request,
        RecordStore<StorageUsage> usages, StorageMeasurer measurer, [FromKeyedServices(AccountingModule.Id)] CollaborationKit collaboration,
        IOptions<StorageUsageOptions> options, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        IReadOnlyList<string> services = measurer.Services;
        if (request.Service is { } one)
        {
            var service = Codes.Normalize(one);
            if (!measurer.Measures(service))
            {
                return AccountingProblems.UnknownService(service, measurer.Services);
            }
            services = [service];
        }
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var items = new List<StorageDriftItem>();
        foreach (var service in services)
        {
            var measured = await measurer.MeasureAsync(service, orgcode, ct);
            var latest = await LatestAsync(usages, orgcode, service, ct);
            items.Add(StorageDriftRules.Compare(service, latest, measured.Bytes, measured.Records, settings.DriftThresholdPercent));
        }

        var batch = new RecordBatch();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Status != DriftStatus.Drift)
            {
                continue;
            }
            // Reported once while it is open: a second reconcile finds the item about the same recorded value and adds none.
            var open = await collaboration.Inbox.ListAsync(orgcode,
                [StateFilter.Eq("status", InboxStatus.Active), StateFilter.Eq("subject_entity", StorageUsage.Type.Entity),
                    StateFilter.Eq("subject_key", item.StorageUsageGuid), StateFilter.In("state", InboxState.Open, InboxState.Acknowledged, InboxState.InProgress)],
                1, ct: ct);
            if (open.Items.Count > 0)
            {
                items[i] = item with { InboxItemGuid = open.Items[0].InboxItemGuid };
                continue;
            }
            var inboxItem = DriftInboxItem(item, settings, context.RequirePrincipal().Id);
            var found = new StorageDriftFound(orgcode, item.Service, item.StorageUsageGuid!, item.RecordedBytes!.Value, item.MeasuredBytes,
                item.DriftBytes!.Value, item.DriftPercent, settings.DriftThresholdPercent, now, inboxItem.InboxItemGuid);
            collaboration.Inbox.Create(batch, orgcode, inboxItem,
                [new DomainEvent(AccountingEvents.StorageDriftFound, found, $"{StorageUsage.Type.Entity}/{item.StorageUsageGuid}")]);
            items[i] = item with { InboxItemGuid = inboxItem.InboxItemGuid };
        }
        var write = await batch.CommitAsync(ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        return TypedResults.Ok(new StorageReconciliation(orgcode, now, settings.DriftThresholdPercent, items.Any(i => i.Status == DriftStatus.Drift), items));
    }

    /// <summary>The latest measurement of a service in the org (by measured_at), if any.</summary>
    public static async Task<StorageUsage?> LatestAsync(RecordStore<StorageUsage> usages, string orgcode, string service, CancellationToken ct) =>
        (await usages.ListAsync(orgcode, [StateFilter.Eq("service", service)], 1, sort: [new StateSort("measured_ms", Descending: true)], ct: ct))
            .Items.FirstOrDefault();

    public static DomainEvent Recorded(string orgcode, StorageUsage usage) =>
        new(AccountingEvents.StorageUsageRecorded, new StorageUsageRecorded(orgcode, usage.StorageUsageGuid, usage.Service, usage.Bytes, usage.Records,
            usage.MeasuredAt, usage.Source));

    private static InboxItem DriftInboxItem(StorageDriftItem item, StorageUsageOptions settings, string createdBy)
    {
        var percent = item.DriftPercent is { } p ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p:+0.##;-0.##;0}%") : "from nothing recorded";
        return new InboxItem
        {
            InboxItemGuid = Ids.New(),
            Title = $"Storage drift in {item.Service}: {percent}",
            Body = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Recorded {item.RecordedBytes} bytes at {item.RecordedAt:O}; measured {item.MeasuredBytes} bytes now ({item.DriftBytes:+0;-0;0} bytes). " +
                $"The threshold is {settings.DriftThresholdPercent}%."),
            SubjectEntity = StorageUsage.Type.Entity,
            SubjectKey = item.StorageUsageGuid!,
            Assignee = new Assignee(AssigneeKind.Team, settings.DriftTeamGuid),
            Priority = InboxPriority.High,
            CreatedBy = createdBy,
        };
    }
}
