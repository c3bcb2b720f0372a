using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Accounting;

/// <summary>
/// One host per test class: OFM (orgs), MRS (export files) and Accounting; the operator client (<see cref="ServiceHost.Operator"/>)
/// is the only caller Accounting answers. Requests made through OFM are metered into Accounting's usage.
/// </summary>
public sealed class AccountingHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "accounting"];
}
