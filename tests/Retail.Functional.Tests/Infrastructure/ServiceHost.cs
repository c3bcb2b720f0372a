using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>
/// One host per test class for the given modules, with users signing in through <see cref="TestSessions"/> and an
/// operator client. A service's fixture names its modules; <see cref="Start"/> makes a host of its own (a fake clock).
/// </summary>
public abstract class ServiceHost(IReadOnlyList<string> modules) : IAsyncLifetime
{
    public RetailHostFactory Factory { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = Start(modules);
        Operator = Factory.CreateOperatorClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await Factory.DisposeAsync();
    }

    public static RetailHostFactory Start(IReadOnlyList<string> modules, Action<IServiceCollection>? services = null) =>
        new() { ConfigureServices = s => { TestSessions.Add(s); services?.Invoke(s); }, Modules = modules };
}
