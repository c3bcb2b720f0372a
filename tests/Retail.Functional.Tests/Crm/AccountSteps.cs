using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>Steps of the accounts and certificate tests: accounts, contacts, certificates, and customers written as the customers area writes them.</summary>
internal static class AccountSteps
{
    /// <summary>
    /// A customer written straight into CRM's store (the accounts area only reads customers): live, or merged into
    /// <paramref name="mergedInto"/>. Answers its guid.
    /// </summary>
    public static async Task<string> StoreCustomerAsync(RetailHostFactory factory, string orgcode, string? mergedInto = null)
    {
        using var scope = factory.Services.CreateScope();
        var guid = Guid.CreateVersion7().ToString();
        var customer = new Customer
        {
            CustomerGuid = guid,
            Email = $"{guid[^12..]}@example.com",
            GivenName = "Ada",
            FamilyName = "Lovelace",
            CreatedBy = "test",
            Status = mergedInto is null ? CustomerStatus.Active : CustomerStatus.Merged,
            MergedInto = mergedInto,
        };
        var write = await scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>().CreateAsync(orgcode, customer);
        Assert.True(write.Succeeded);
        return guid;
    }

    public static async Task<JsonElement> AccountAsync(this CrmOrg org, string code, string country = "DE", TestUser? user = null) =>
        await org.Post(user ?? org.Clerk, "/crm/account/create", new
        {
            account_code = code,
            name = $"{code} GmbH",
            tax_id = "DE123456789",
            billing_address = new { line1 = "Hauptstr. 1", city = "Berlin", postcode = "10115", country },
        }).Ok(HttpStatusCode.Created);

    public static async Task<JsonElement> ContactAsync(this CrmOrg org, string accountGuid, string email, string[] roles, string? phone = null,
        string? customerGuid = null) =>
        await org.Post(org.Clerk, "/crm/account/contact/create", new
        {
            account_guid = accountGuid,
            name = "Grace Hopper",
            email,
            phone,
            roles,
            customer_guid = customerGuid,
        }).Ok(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> CreateCertificate(this CrmOrg org, object body, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/exemption/certificate/create", body);

    /// <summary>A certificate of a customer (or an account) for <paramref name="jurisdiction"/>, valid from yesterday for a year, as recorded by the clerk.</summary>
    public static async Task<JsonElement> CertificateAsync(this CrmOrg org, string number, string? customerGuid = null, string? accountGuid = null,
        string jurisdiction = "DE", string[]? categories = null)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return await org.CreateCertificate(new
        {
            number,
            customer_guid = customerGuid,
            account_guid = accountGuid,
            jurisdiction,
            tax_categories = categories,
            all_categories = categories is null ? true : (bool?)null,
            valid_from = today.AddDays(-1),
            valid_to = today.AddYears(1),
        }).Ok(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> CertificateStatus(this CrmOrg org, JsonElement certificate, string status, TestUser? user = null) =>
        org.Post(user ?? org.Owner, "/crm/exemption/certificate/status/set", new
        {
            certificate_guid = certificate.GetProperty("certificate_guid").GetString(),
            status,
            expected_revision = certificate.GetProperty("revision").GetInt64(),
        });

    public static IReadOnlyList<string> Keys(this JsonElement page, string field) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).GetString()!).ToList();
}
