using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Ucp.Config;

/// <summary>
/// An org's UCP configuration (UC-UCP-002), one record per org: which capabilities it offers platforms, the channel its
/// platform orders sell in, the payment handlers it offers, and the business domains whose Host names the org at the root
/// discovery documents. The business profile reflects exactly this.
/// </summary>
public sealed record UcpConfig : Record
{
    public const string TheKey = "config";

    public UcpCapabilities Capabilities { get; init; } = new(false, false, false);

    /// <summary>The sales channel (an <c>x-channel-code</c> style code) checkout sessions sell in.</summary>
    public string? ChannelCode { get; init; }

    public IReadOnlyList<PaymentHandlerConfig> PaymentHandlers { get; init; } = [];

    /// <summary>Lower-case host names (no port); each belongs to one org across the deployment (<see cref="BusinessDomain"/>).</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    [JsonIgnore]
    public override string Key => TheKey;

    public static readonly RecordType<UcpConfig> Type = new("ucp_config");

    /// <summary>The configuration of an org that never set one: nothing enabled.</summary>
    public static UcpConfig Empty => new();
}

/// <param name="Checkout">Checkout sessions and carts (<c>dev.ucp.shopping.checkout</c>).</param>
/// <param name="Order">Orders and their webhooks (<c>dev.ucp.shopping.order</c>).</param>
/// <param name="Identity">OAuth identity linking (<c>dev.ucp.common.identity_linking</c>).</param>
public sealed record UcpCapabilities(bool Checkout, bool Order, bool Identity);

/// <param name="Id">The handler instance's id, unique in the org's config (checkout's payment instruments name it).</param>
/// <param name="Name">The handler's reverse-domain name (<c>com.example.tokenization</c>).</param>
/// <param name="Version">The handler's version (YYYY-MM-DD); the UCP version when absent.</param>
/// <param name="Config">Handler-specific public configuration, published as is.</param>
public sealed record PaymentHandlerConfig(string Id, string Name, string? Version, JsonElement? Config);

/// <summary>
/// A business domain and the org it belongs to, kept without an org so a Host finds its org with one lookup, and unique
/// across orgs. Keyed by a guid: a domain an org gives up is doomed (freeing it), and another org may then claim it.
/// </summary>
public sealed record BusinessDomain : Record
{
    public required string DomainGuid { get; init; }

    public required string Domain { get; init; }

    public required string Orgcode { get; init; }

    [JsonIgnore]
    public override string Key => DomainGuid;

    public static readonly RecordType<BusinessDomain> Type = new("ucp_domain", d => [new UniqueValue("domain", d.Domain)]);
}
