using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Retail.Cli.Commands;

/// <summary>
/// Playbook A as data: the org and its owner, the site and legal entity the stores stand on, the logical facilities, the sales
/// channels and the colleagues to invite. Read from <c>--file bootstrap.yaml</c> (snake_case keys) and completed by flags.
/// </summary>
public sealed class BootstrapPlan
{
    public string? Org { get; set; }

    public string? Name { get; set; }

    public string? OwnerEmail { get; set; }

    public string? TimeZone { get; set; }

    public string? Country { get; set; }

    public string? Site { get; set; }

    public string? SiteName { get; set; }

    public string? LegalEntity { get; set; }

    public List<FacilityPlan> Facilities { get; set; } = [];

    public List<ChannelPlan> Channels { get; set; } = [];

    public List<MemberPlan> Members { get; set; } = [];

    public static BootstrapPlan Read(string path)
    {
        var yaml = File.ReadAllText(path);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        return deserializer.Deserialize<BootstrapPlan?>(yaml) ?? new BootstrapPlan();
    }
}

public sealed class FacilityPlan
{
    public string? Code { get; set; }

    public string? Name { get; set; }

    public string? Kind { get; set; }
}

public sealed class ChannelPlan
{
    public string? Code { get; set; }

    public string? Name { get; set; }

    public string? Kind { get; set; }

    public string? Market { get; set; }

    public List<string> Locales { get; set; } = [];

    public string? Currency { get; set; }

    public string? Facility { get; set; }
}

public sealed class MemberPlan
{
    public string? Email { get; set; }

    public string? Role { get; set; }
}
