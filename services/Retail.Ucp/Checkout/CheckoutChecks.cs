using Retail.Scm.Policies;
using Retail.Shared.Invocation;

namespace Retail.Ucp.Checkout;

/// <summary>
/// What a checkout asks other services about its lines besides prices: stock in the channel (OFM names the channel's
/// facility, through SCM's cached lookup; ICS answers every variant in one read) and age restrictions (PVM's style compliance).
/// </summary>
public sealed class CheckoutChecks(IServiceInvoker invoker, OrgDirectoryCache cache)
{
    private sealed record IcsAvailability(IReadOnlyList<IcsVariantAvailability> Items);

    private sealed record IcsVariantAvailability(string VariantGuid, long Available);

    private sealed record PvmVariant(string StyleGuid);

    private sealed record PvmCompliance(int? AgeRestriction);

    private sealed record PvmStyle(string StyleGuid, PvmCompliance? Compliance);

    /// <summary>
    /// Available units per variant at the channel's facility; null when the channel names no facility (nothing to ask:
    /// SCM decides at completion).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>?> AvailableAsync(string orgcode, string channel, IReadOnlyCollection<string> variants,
        CancellationToken ct)
    {
        var facility = await PolicyReferences.ChannelFacilityAsync(invoker, cache, orgcode, channel, ct);
        if (facility is null || variants.Count == 0)
        {
            return null;
        }
        var answer = await invoker.SendAsync<IcsAvailability>("ics", "/stock/availability", new { facility_codes = new[] { facility }, variant_guids = variants },
            new InvocationOptions(orgcode), ct);
        return answer.Items.ToDictionary(i => i.VariantGuid, i => i.Available, StringComparer.Ordinal);
    }

    /// <summary>The minimum buyer age per variant whose style carries an age restriction (PVM compliance); others are left out.</summary>
    public async Task<IReadOnlyDictionary<string, int>> AgeRestrictedAsync(string orgcode, IReadOnlyCollection<string> variants, CancellationToken ct)
    {
        var styleOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variant in variants)
        {
            if (await invoker.GetOrNullAsync<PvmVariant>("pvm", "/variant/get", new { variant_guid = variant }, new InvocationOptions(orgcode), ct) is { } v)
            {
                styleOf[variant] = v.StyleGuid;
            }
        }
        var ageOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var style in styleOf.Values.Distinct(StringComparer.Ordinal))
        {
            var found = await invoker.GetOrNullAsync<PvmStyle>("pvm", "/style/get", new { style_guid = style }, new InvocationOptions(orgcode), ct);
            if (found?.Compliance?.AgeRestriction is > 0 and var age)
            {
                ageOf[style] = age;
            }
        }
        return styleOf.Where(s => ageOf.ContainsKey(s.Value)).ToDictionary(s => s.Key, s => ageOf[s.Value], StringComparer.Ordinal);
    }
}
