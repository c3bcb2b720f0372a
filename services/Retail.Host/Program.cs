using Retail.Host;
using Retail.Shared.Hosting;

RetailApp.RunHost(args, HostModules.All);

/// <summary>The single-process host: every service module under <c>/{app-id}</c> (or those <c>Retail:Modules</c> names).</summary>
public partial class Program;
