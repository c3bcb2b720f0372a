using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Pvm;

namespace Retail.Functional.Tests.Pcm;

/// <summary>One host per test class: OFM (orgs, facilities), MRS, PVM (vendors, variants), ICS (stock) and PCM.</summary>
public sealed class PcmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "pcm"];

    /// <summary>
    /// A fresh active org with its owner (an admin), a second admin (<see cref="PcmOrg.Approver"/>) and a member
    /// (<see cref="PcmOrg.Buyer"/>); two logical facilities (<c>store-1</c>, <c>store-2</c>); two active vendors:
    /// <c>acme</c> (terms: lead time 7 days, RTV window 30 days, EUR, net 30) and <c>globex</c> (lead time 14 days, RTV
    /// window 0 days: nothing may go back), and <c>pending-co</c> (created, never activated); an active style <c>tee</c>
    /// (primary vendor acme) with six active variants (sizes s, m, l × red, blue) in <see cref="PcmOrg.Variants"/>.
    /// </summary>
    public Task<PcmOrg> NewOrgAsync(string prefix = "pcm") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<PcmOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "pcm")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);
        await owner.Client.Post("/ofm/facility/logical/create",
            new { facility_code = "store-2", name = "Airport store", kind = "store", physical_facility_code = "site-1", legal_facility_code = "entity-1" },
            orgcode).Ok(HttpStatusCode.Created);
        var approver = factory.NewUser("approver");
        await owner.Join(orgcode, approver, "admin");
        var buyer = factory.NewUser("buyer");
        await owner.Join(orgcode, buyer, "member");
        var style = await owner.ActiveStyle(orgcode);
        var acme = await owner.Client.Post("/pvm/vendor/get", new { vendor_code = "acme" }, orgcode).Ok();
        await owner.Client.Post("/pvm/vendor/update", new
        {
            vendor_code = "acme",
            terms = new { lead_time_days = 7, rtv_window_days = 30, currency = "EUR", payment_terms = "net 30" },
            expected_revision = acme.Revision(),
        }, orgcode).Ok();
        var globex = await owner.Create(orgcode, "/pvm/vendor", new
        {
            vendor_code = "globex",
            name = "Globex",
            country = "NL",
            terms = new { lead_time_days = 14, rtv_window_days = 0, currency = "EUR" },
        });
        await owner.Client.Post("/pvm/vendor/status", new { vendor_code = "globex", status = "active", expected_revision = globex.Revision() }, orgcode).Ok();
        await owner.Create(orgcode, "/pvm/vendor", new { vendor_code = "pending-co", name = "Pending Co", country = "DE" });
        var variants = new List<string>();
        var n = 0;
        foreach (var size in new[] { "s", "m", "l" })
        {
            foreach (var colour in new[] { "red", "blue" })
            {
                var variant = await owner.ActiveVariant(orgcode, "tee", $"tee-{size}-{colour}", size, colour, PvmSteps.Gtin13(700_000_000_000 + n++));
                variants.Add(variant.GetProperty("variant_guid").GetString()!);
            }
        }
        return new PcmOrg(orgcode, owner, approver, buyer, style.GetProperty("style_guid").GetString()!, variants);
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="Approver">A second admin: approves what the owner or the buyer created.</param>
/// <param name="Buyer">A member: creates worksheets and POs, records receipts.</param>
/// <param name="StyleGuid">The style <c>tee</c> (primary vendor <c>acme</c>).</param>
/// <param name="Variants">Six active variants of <c>tee</c>.</param>
public sealed record PcmOrg(string Orgcode, TestUser Owner, TestUser Approver, TestUser Buyer, string StyleGuid, IReadOnlyList<string> Variants)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);
}

/// <summary>Reading PCM's answers: the fields every PCM test reads.</summary>
internal static class PcmJson
{
    public static long Revision(this JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>A string field, or null when it is absent or not a string.</summary>
    public static string? Text(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
