using Retail.Ucp.Platforms;

namespace Retail.Ucp.Tests;

public sealed class PlatformSecretsTests
{
    [Fact]
    public void A_client_id_names_its_org_and_nothing_else_does()
    {
        var clientId = PlatformSecrets.NewClientId("acme-store");
        Assert.Equal("acme-store", PlatformSecrets.OrgOf(clientId));
        Assert.Null(PlatformSecrets.OrgOf("acme-store"));
        Assert.Null(PlatformSecrets.OrgOf("ucp..abc"));
        Assert.Null(PlatformSecrets.OrgOf("ucp.Not Valid.abc"));
    }

    [Fact]
    public void The_previous_secret_works_only_inside_its_grace_period_and_nothing_works_once_revoked()
    {
        var now = DateTimeOffset.Parse("2026-12-02T10:00:00Z");
        var (old, current) = (PlatformSecrets.NewSecret(), PlatformSecrets.NewSecret());
        var platform = new Platform
        {
            PlatformGuid = "p1", ClientId = PlatformSecrets.NewClientId("acme"), Caption = "Agent", SecretHash = PlatformSecrets.Hash(current),
            PreviousSecretHash = PlatformSecrets.Hash(old), PreviousSecretValidUntil = now.AddMinutes(5),
        };
        Assert.True(platform.Accepts(current, now));
        Assert.True(platform.Accepts(old, now.AddMinutes(4)));
        Assert.False(platform.Accepts(old, now.AddMinutes(5)));
        Assert.False(platform.Accepts("ucps_wrong", now));
        Assert.False((platform with { Status = PlatformStatus.Revoked }).Accepts(current, now));
    }

    [Fact]
    public void Basic_credentials_are_read_form_decoded()
    {
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ucp.acme.ab%3Acd:s%2Bx+y"));
        Assert.Equal(("ucp.acme.ab:cd", "s+x y"), PlatformAccess.ReadBasic(encoded));
        Assert.Null(PlatformAccess.ReadBasic("!!not base64"));
    }
}
