namespace Retail.Shared.State;

/// <summary>
/// The DI keys of an app's state stores. <c>appId</c> is the store for everything; <see cref="Records"/> is the one the
/// record store writes through. In Dapr mode the records key is a second component with the transactional outbox, so
/// only records become CDC events; in the embedded host both keys are the same SQLite store.
/// </summary>
public static class StateStoreKeys
{
    public static string Records(string appId) => appId + "#records";
}
