using Retail.Ofm.Directory;
using Retail.Ofm.Members;
using Retail.Shared.Json;

namespace Retail.Ofm.Orgs;

/// <summary>
/// The orgs a user has a part in, paged from two indexes: first the orgs they own (the org's owner index), then the
/// orgs they are a member of (members by user across orgs). The token says which part and carries that part's own
/// sealed token, so a page never reads more than it returns.
/// </summary>
internal static class UserOrgs
{
    private const string OwnedPart = "o:";
    private const string MemberPart = "m:";

    public static async Task<Page<Org>> PageAsync(Principal principal, ListOrgsRequest request, RecordStore<Org> orgs, RecordStore<Member> members,
        OrgAccessResolver resolver, CancellationToken ct)
    {
        var limit = Paging.LimitOf(request);
        var token = request.NextToken;
        if (token is not null && !token.StartsWith(OwnedPart, StringComparison.Ordinal) && !token.StartsWith(MemberPart, StringComparison.Ordinal))
        {
            throw new InvalidPageTokenException("next_token is not a token this list issued.");
        }
        if (token is null || token.StartsWith(OwnedPart, StringComparison.Ordinal))
        {
            var owned = await orgs.ListByValueAsync(null, "owner", principal.Id, limit, token?[OwnedPart.Length..], ct: ct);
            var items = new List<Org>();
            foreach (var org in owned.Items.Where(o => Matches(o, request)))
            {
                if ((await resolver.RoleOfAsync(org, principal, ct)).Role != Role.None)
                {
                    items.Add(org);
                }
            }
            if (owned.NextToken is { } next)
            {
                return new Page<Org>(items, OwnedPart + next);
            }
            // The owned part is done: the member part fills the rest of this page.
            if (items.Count >= limit)
            {
                return new Page<Org>(items, MemberPart);
            }
            var rest = await MemberPageAsync(principal, request, members, resolver, limit - items.Count, null, ct);
            return new Page<Org>([.. items, .. rest.Items], rest.NextToken);
        }
        return await MemberPageAsync(principal, request, members, resolver, limit,
            token.Length == MemberPart.Length ? null : token[MemberPart.Length..], ct);
    }

    private static async Task<Page<Org>> MemberPageAsync(Principal principal, ListOrgsRequest request, RecordStore<Member> members,
        OrgAccessResolver resolver, int limit, string? token, CancellationToken ct)
    {
        var page = await members.ListAcrossOrgsAsync([StateFilter.Eq("user_guid", principal.Id)], limit, token, ct: ct);
        var found = new List<Org>();
        foreach (var (orgcode, _) in page.Items)
        {
            // An owner is listed in the owned part already.
            if (await resolver.FindOrgAsync(orgcode, ct) is { } org && !org.Record.IsOwner(principal.Id) && Matches(org.Record, request)
                && (await resolver.RoleOfAsync(org.Record, principal, ct)).Role != Role.None)
            {
                found.Add(org.Record);
            }
        }
        return new Page<Org>(found, page.NextToken is { } more ? MemberPart + more : null);
    }

    private static bool Matches(Org org, ListOrgsRequest request) => request.Status is not { } status || org.Status == status;
}
