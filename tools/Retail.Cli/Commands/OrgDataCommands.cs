using System.CommandLine;

namespace Retail.Cli.Commands;

/// <summary>
/// Thin wrappers over OFM's org, facility, channel and member operations: one call each, the answer as a table or (<c>--json</c>) as
/// the API gave it.
/// </summary>
public static class OrgDataCommands
{
    public static IEnumerable<Command> Build(CommandFactory commands)
    {
        yield return Orgs(commands);
        yield return Facilities(commands);
        yield return Channels(commands);
        yield return Members(commands);
    }

    private static (Option<int?> Limit, Option<string?> Next) PageOptions(Command command)
    {
        var limit = new Option<int?>("--limit") { Description = "Page size (1-500)" };
        var next = new Option<string?>("--next-token") { Description = "The token a previous page answered" };
        command.Options.Add(limit);
        command.Options.Add(next);
        return (limit, next);
    }

    private static Command Orgs(CommandFactory commands)
    {
        var org = new Command("org", "Orgs the caller has a part in (the operator: all)");
        var list = new Command("list", "List orgs");
        var status = new Option<string?>("--status") { Description = "Only orgs in this status (pending, active, suspended…)" };
        list.Options.Add(status);
        var (limit, next) = PageOptions(list);
        commands.Action(list, async (context, ct) =>
        {
            var page = await context.Api.PostAsync("/ofm/org/list",
                new { status = context.Value(status), limit = context.Value(limit), next_token = context.Value(next) }, ct, orgScoped: false);
            context.Output.Page(page, "orgcode", "legal_name", "status", "primary_owner_guid", "created_at");
        });
        var code = new Argument<string?>("orgcode") { Description = "Org code (default: --org or the profile's)", Arity = ArgumentArity.ZeroOrOne };
        var get = new Command("get", "Read one org") { code };
        commands.Action(get, async (context, ct) =>
        {
            var orgcode = context.Value(code) ?? context.Api.RequireOrg();
            context.Output.Record(await context.Api.PostAsync("/ofm/org/get", new { orgcode }, ct, orgScoped: false));
        });
        org.Subcommands.Add(list);
        org.Subcommands.Add(get);
        return org;
    }

    private static Command Facilities(CommandFactory commands)
    {
        var facility = new Command("facility", "The org's physical sites, legal entities and logical facilities (stores, warehouses…)");
        var type = new Option<string>("--type") { Description = "physical, legal or logical", DefaultValueFactory = _ => "logical" };
        type.AcceptOnlyFromAmong("physical", "legal", "logical");
        var list = new Command("list", "List facilities of one type") { type };
        var (limit, next) = PageOptions(list);
        commands.Action(list, async (context, ct) =>
        {
            var kind = context.Value(type)!;
            var page = await context.Api.PostAsync($"/ofm/facility/{kind}/list",
                new { limit = context.Value(limit), next_token = context.Value(next) }, ct, context.Api.RequireOrg());
            context.Output.Page(page, "facility_code", kind == "legal" ? "legal_name" : "name", "kind", "status", "revision");
        });

        var createType = new Option<string>("--type") { Description = "physical, legal or logical", DefaultValueFactory = _ => "logical" };
        createType.AcceptOnlyFromAmong("physical", "legal", "logical");
        var code = new Option<string>("--code") { Description = "Facility code", Required = true };
        var name = new Option<string?>("--name") { Description = "Name (default: the code); legal: the legal name, required" };
        var kindOption = new Option<string?>("--kind") { Description = "Logical: store, warehouse, showroom, distribution_centre…" };
        var physical = new Option<string?>("--physical") { Description = "Logical: the site's facility code" };
        var legal = new Option<string?>("--legal") { Description = "Logical: the legal entity's facility code" };
        var timeZone = new Option<string?>("--time-zone") { Description = "Physical: IANA time zone" };
        var country = new Option<string?>("--country") { Description = "Legal: ISO country" };
        var create = new Command("create", "Create a facility") { createType, code, name, kindOption, physical, legal, timeZone, country };
        commands.Action(create, async (context, ct) =>
        {
            var kind = context.Value(createType)!;
            object body = kind switch
            {
                "physical" => new { facility_code = context.Value(code), name = context.Value(name) ?? context.Value(code), time_zone = context.Value(timeZone) },
                "legal" => new { facility_code = context.Value(code), legal_name = context.Value(name), country = context.Value(country) },
                _ => new
                {
                    facility_code = context.Value(code), name = context.Value(name) ?? context.Value(code), kind = context.Value(kindOption) ?? "store",
                    physical_facility_code = context.Value(physical), legal_facility_code = context.Value(legal),
                },
            };
            context.Output.Record(await context.Api.PostAsync($"/ofm/facility/{kind}/create", body, ct, context.Api.RequireOrg()));
        });
        facility.Subcommands.Add(list);
        facility.Subcommands.Add(create);
        return facility;
    }

    private static Command Channels(CommandFactory commands)
    {
        var channel = new Command("channel", "The org's sales channels");
        var list = new Command("list", "List sales channels");
        var (limit, next) = PageOptions(list);
        commands.Action(list, async (context, ct) =>
        {
            var page = await context.Api.PostAsync("/ofm/sales-channel/list",
                new { limit = context.Value(limit), next_token = context.Value(next) }, ct, context.Api.RequireOrg());
            context.Output.Page(page, "channel_code", "name", "kind", "market_code", "currency", "facility_code", "status");
        });
        var code = new Option<string>("--code") { Description = "Channel code", Required = true };
        var name = new Option<string?>("--name") { Description = "Name (default: the code)" };
        var kind = new Option<string>("--kind") { Description = "pos, ecom, marketplace, wholesale, social, app", DefaultValueFactory = _ => "ecom" };
        var market = new Option<string>("--market") { Description = "Market code", Required = true };
        var locale = new Option<string[]>("--locale") { Description = "Locale (de-DE); repeatable", Required = true };
        var currency = new Option<string?>("--currency") { Description = "Currency (EUR)" };
        var facility = new Option<string?>("--facility") { Description = "Logical facility that fulfils it" };
        var create = new Command("create", "Create a sales channel") { code, name, kind, market, locale, currency, facility };
        commands.Action(create, async (context, ct) =>
        {
            context.Output.Record(await context.Api.PostAsync("/ofm/sales-channel/create", new
            {
                channel_code = context.Value(code), name = context.Value(name) ?? context.Value(code), kind = context.Value(kind),
                market_code = context.Value(market), locale_codes = context.Value(locale), currency = context.Value(currency),
                facility_code = context.Value(facility),
            }, ct, context.Api.RequireOrg()));
        });
        channel.Subcommands.Add(list);
        channel.Subcommands.Add(create);
        return channel;
    }

    private static Command Members(CommandFactory commands)
    {
        var member = new Command("member", "The org's members and invites");
        var list = new Command("list", "List members");
        var (limit, next) = PageOptions(list);
        commands.Action(list, async (context, ct) =>
        {
            var page = await context.Api.PostAsync("/ofm/member/list",
                new { limit = context.Value(limit), next_token = context.Value(next) }, ct, context.Api.RequireOrg());
            context.Output.Page(page, "user_guid", "email", "role", "state", "grant_expires_at");
        });
        var email = new Argument<string>("email") { Description = "The colleague's e-mail address" };
        var role = new Option<string>("--role") { Description = "viewer, member, admin…", DefaultValueFactory = _ => "member" };
        var invite = new Command("invite", "Invite a colleague (they accept after signing in)") { email, role };
        commands.Action(invite, async (context, ct) =>
        {
            context.Output.Record(await context.Api.PostAsync("/ofm/member/invite/create",
                new { email = context.Value(email), role = context.Value(role) }, ct, context.Api.RequireOrg()));
        });
        member.Subcommands.Add(list);
        member.Subcommands.Add(invite);
        return member;
    }
}
