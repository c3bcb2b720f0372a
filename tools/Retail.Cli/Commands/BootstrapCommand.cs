using System.CommandLine;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Retail.Cli.Commands;

/// <summary>
/// <c>retail bootstrap</c>: the seed's playbook A (org, owner, activation, facility spine, sales channels, invites) from flags or a YAML
/// file. Every step is idempotent: what already exists (a 409 <c>duplicate</c> or <c>already_member</c>, an active org, a pending invite)
/// is reported as <c>exists</c> and left alone, so a re-run after a failure finishes the job.
/// </summary>
public static class BootstrapCommand
{
    /// <summary>One step's result, as the table and the JSON show it.</summary>
    public sealed record Step(string Kind, string Code, string Outcome);

    public static Command Build(CommandFactory commands)
    {
        var file = new Option<string?>("--file", "-f") { Description = "A bootstrap.yaml (flags given as well override its values)" };
        var name = new Option<string?>("--name") { Description = "The org's legal name" };
        var ownerEmail = new Option<string?>("--owner-email") { Description = "The primary owner (needed with an API key; found or signed up)" };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone of the org and its site (default UTC)" };
        var country = new Option<string?>("--country") { Description = "ISO country of the legal entity" };
        var site = new Option<string?>("--site") { Description = "Code of the physical site the facilities stand on (default site-1)" };
        var legal = new Option<string?>("--legal-entity") { Description = "Code of the legal entity (default entity-1)" };
        var facility = new Option<string[]>("--facility") { Description = "A logical facility, CODE or CODE:KIND (kind default store); repeatable" };
        var channel = new Option<string[]>("--channel") { Description = "A sales channel, CODE or CODE:KIND (kind default ecom); repeatable" };
        var market = new Option<string?>("--market") { Description = "Market code of the channels given by flag" };
        var locale = new Option<string[]>("--locale") { Description = "Locale of the channels given by flag (de-DE); repeatable" };
        var currency = new Option<string?>("--currency") { Description = "Currency of the channels given by flag (EUR)" };
        var invite = new Option<string[]>("--invite") { Description = "A colleague to invite, EMAIL or EMAIL:ROLE (role default member); repeatable" };
        var bootstrap = new Command("bootstrap", "Playbook A: create (or complete) an org with its facilities, channels and members")
        {
            file, name, ownerEmail, timeZone, country, site, legal, facility, channel, market, locale, currency, invite,
        };
        commands.Action(bootstrap, async (context, ct) =>
        {
            var plan = context.Value(file) is { } path ? BootstrapPlan.Read(path) : new BootstrapPlan();
            plan.Org = context.OrgOverride ?? plan.Org;
            plan.Name = context.Value(name) ?? plan.Name ?? plan.Org;
            plan.OwnerEmail = context.Value(ownerEmail) ?? plan.OwnerEmail;
            plan.TimeZone = context.Value(timeZone) ?? plan.TimeZone;
            plan.Country = context.Value(country) ?? plan.Country;
            plan.Site = context.Value(site) ?? plan.Site;
            plan.LegalEntity = context.Value(legal) ?? plan.LegalEntity;
            foreach (var (code, kind) in (context.Value(facility) ?? []).Select(Split))
            {
                plan.Facilities.Add(new FacilityPlan { Code = code, Kind = kind });
            }
            foreach (var (code, kind) in (context.Value(channel) ?? []).Select(Split))
            {
                plan.Channels.Add(new ChannelPlan
                {
                    Code = code, Kind = kind, Market = context.Value(market), Locales = [.. context.Value(locale) ?? []], Currency = context.Value(currency),
                });
            }
            foreach (var (email, role) in (context.Value(invite) ?? []).Select(Split))
            {
                plan.Members.Add(new MemberPlan { Email = email, Role = role });
            }
            var steps = await RunAsync(context.Api, plan, context.Output, ct);
            // Each step was printed as it finished (a failure half-way shows what is done); the JSON lists them all.
            context.Output.Write(new { orgcode = plan.Org, steps }, console => console.WriteLine($"org {plan.Org} is ready ({steps.Count} steps)"));
        });
        return bootstrap;
    }

    /// <summary>Runs <paramref name="plan"/> step by step, answering what each step did.</summary>
    public static async Task<IReadOnlyList<Step>> RunAsync(RetailApi api, BootstrapPlan plan, Output output, CancellationToken ct)
    {
        var org = plan.Org ?? throw new UsageException("bootstrap needs --org (or org: in the file)");
        Check(plan);
        var steps = new List<Step>();
        void Done(string kind, string code, string outcome)
        {
            steps.Add(new Step(kind, code, outcome));
            output.Note($"{kind} {Markup.Escape(code)}: {outcome}");
        }

        // The owner: with a key (the operator) the org is created on the owner's behalf; with a session the caller is the owner.
        string? ownerGuid = null;
        if (api.UsesApiKey)
        {
            var email = plan.OwnerEmail ?? throw new UsageException("with an API key, bootstrap needs --owner-email (or owner_email: in the file)");
            try
            {
                ownerGuid = (await api.PostAsync("/uas/user/get", new { email }, ct, orgScoped: false)).GetProperty("user_guid").GetString();
                Done("owner", email, "exists");
            }
            catch (ApiProblemException problem) when (problem.Status == HttpStatusCode.NotFound)
            {
                ownerGuid = (await api.PostAsync("/uas/user/create", new { email }, ct, orgScoped: false)).GetProperty("user_guid").GetString();
                Done("owner", email, "signed up (verification mailed)");
            }
        }

        JsonElement record;
        try
        {
            record = await api.PostAsync("/ofm/org/create",
                new { orgcode = org, legal_name = plan.Name, time_zone = plan.TimeZone, owner_user_guid = ownerGuid }, ct, orgScoped: false);
            Done("org", org, "created");
        }
        catch (ApiProblemException problem) when (Exists(problem))
        {
            record = await api.PostAsync("/ofm/org/get", new { orgcode = org }, ct, orgScoped: false);
            Done("org", org, "exists");
        }
        if (record.GetProperty("status").GetString() == "pending")
        {
            await api.PostAsync("/ofm/org/status/set",
                new { orgcode = org, status = "active", expected_revision = record.GetProperty("revision").GetInt64() }, ct, org);
            Done("org", org, "activated");
        }

        if (plan.Facilities.Count > 0)
        {
            var site = plan.Site ?? "site-1";
            var legal = plan.LegalEntity ?? "entity-1";
            Done("physical facility", site, await EnsureAsync(() => api.PostAsync("/ofm/facility/physical/create",
                new { facility_code = site, name = plan.SiteName ?? site, time_zone = plan.TimeZone ?? "UTC" }, ct, org)));
            Done("legal facility", legal, await EnsureAsync(() => api.PostAsync("/ofm/facility/legal/create",
                new { facility_code = legal, legal_name = plan.Name, country = plan.Country }, ct, org)));
            foreach (var facility in plan.Facilities)
            {
                Done("logical facility", facility.Code!, await EnsureAsync(() => api.PostAsync("/ofm/facility/logical/create", new
                {
                    facility_code = facility.Code, name = facility.Name ?? facility.Code, kind = facility.Kind ?? "store",
                    physical_facility_code = site, legal_facility_code = legal,
                }, ct, org)));
            }
        }

        foreach (var channel in plan.Channels)
        {
            Done("sales channel", channel.Code!, await EnsureAsync(() => api.PostAsync("/ofm/sales-channel/create", new
            {
                channel_code = channel.Code, name = channel.Name ?? channel.Code, kind = channel.Kind ?? "ecom", market_code = channel.Market,
                locale_codes = channel.Locales, currency = channel.Currency, facility_code = channel.Facility ?? plan.Facilities.FirstOrDefault()?.Code,
            }, ct, org)));
        }

        if (plan.Members.Count > 0)
        {
            var pending = await api.PostAsync("/ofm/member/invite/list", new { status = "pending", limit = 500 }, ct, org);
            var invited = pending.GetProperty("items").EnumerateArray()
                .Select(i => Output.Field(i, "email")).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var member in plan.Members)
            {
                if (invited.Contains(member.Email!))
                {
                    Done("invite", member.Email!, "exists");
                    continue;
                }
                Done("invite", member.Email!, await EnsureAsync(() => api.PostAsync("/ofm/member/invite/create",
                    new { email = member.Email, role = member.Role ?? "member" }, ct, org), "invited"));
            }
        }
        return steps;
    }

    /// <summary>Mistakes the plan shows by itself, reported before anything is created (exit 2).</summary>
    private static void Check(BootstrapPlan plan)
    {
        if (plan.Facilities.Any(f => string.IsNullOrWhiteSpace(f.Code)))
        {
            throw new UsageException("every facility needs a code");
        }
        foreach (var channel in plan.Channels)
        {
            if (string.IsNullOrWhiteSpace(channel.Code) || channel.Market is null || channel.Locales.Count == 0)
            {
                throw new UsageException($"channel '{channel.Code}' needs a code, a market (--market) and at least one locale (--locale)");
            }
        }
        if (plan.Members.Any(m => string.IsNullOrWhiteSpace(m.Email)))
        {
            throw new UsageException("every member needs an email");
        }
    }

    private static async Task<string> EnsureAsync(Func<Task<JsonElement>> create, string created = "created")
    {
        try
        {
            await create();
            return created;
        }
        catch (ApiProblemException problem) when (Exists(problem))
        {
            return "exists";
        }
    }

    private static bool Exists(ApiProblemException problem) =>
        problem.Status == HttpStatusCode.Conflict && problem.Code is "duplicate" or "already_member";

    private static (string Code, string? Kind) Split(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 ? (value[..colon], value[(colon + 1)..]) : (value, null);
    }
}
