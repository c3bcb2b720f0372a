namespace Retail.Ofm.MasterData;

public sealed record OfmContextChanged(string Orgcode, string Entity, string Code, string From, string To);

/// <summary>
/// OFM's master records carry the context every service checks (facility, channel, cost centre codes): a status
/// change tells the directory, in the change's own transaction, and clears this host's cached answers at once.
/// </summary>
internal static class OfmMasterData
{
    public static MasterRoutes<T> Routes<T>(Delegate create, Delegate? update = null, Delegate? list = null, string statusPath = "/status",
        Delegate? get = null, Delegate? status = null) where T : Record, IMasterRecord<T> => new()
        {
            Create = create,
            Update = update,
            List = list,
            Get = get,
            Status = status,
            StatusPath = statusPath,
            StatusEvents = (orgcode, current, to) =>
            [
                new DomainEvent(DirectoryTopics.ContextChanged, new OfmContextChanged(orgcode, T.Type.Entity, MasterRecords.CodeOf(current),
                    MasterLifecycle.Name(current.Status), MasterLifecycle.Name(to))),
            ],
            AfterStatus = (services, orgcode) => services.GetRequiredService<OrgDirectoryCache>().Invalidate(orgcode),
        };

    public static ProblemHttpResult? Missing<T>(Loaded<T>? loaded, string field, string description) where T : Record, IMasterRecord<T> =>
        loaded is { Record.Status: MasterStatus.Active } ? null : OfmProblems.UnknownReference(field, $"No active {description} in this org.");
}
