using Retail.Crm.Accounts;
using Retail.Crm.Bulk;
using Retail.Crm.Certificates;
using Retail.Crm.Customers;
using Retail.Crm.Fraud;
using Retail.Crm.GiftCards;
using Retail.Crm.Loyalty;
using Retail.Crm.Merge;
using Retail.Shared.Bulk;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Crm;

/// <summary>Customer Relationship Management: customers and B2B accounts, consent, dedupe and merge, fraud holds, loyalty and gift-card ledgers.</summary>
public sealed class CrmModule : IServiceModule
{
    public const string Id = "crm";

    public string AppId => Id;

    public string Title => "Customer Relationship Management";

    /// <summary>
    /// Comments and inbox on CRM's records. Built once, here: a module's services are added once per host and tests build
    /// hosts in parallel, so nothing adds to it later. Add each new record type with <c>.Subject(…)</c>.
    /// </summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.CommentsAndInbox }
        .Subject(Customer.Type)
        .Subject(GiftCard.Type)
        .Subject(Account.Type).Subject(AccountContact.Type).Subject(ExemptionCertificate.Type)
        .Subject(FraudHold.Type)
        .Subject(FraudAssessment.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Customer.Type);
        // Gift-card guessing counters ("giftcard-unknown-codes|{org}|…") go with the org at offboarding.
        services.AddSingleton(new Retail.Shared.OrgData.OrgKeyPrefix("giftcard-unknown-codes"));
        services.AddCustomers(configuration);
        services.AddCrmBulk();
        services.AddAccounts(configuration);
        services.AddMerge(configuration);
        services.AddFraud(configuration);
        services.AddLoyalty(configuration);
        services.AddGiftCards(configuration);
        services.AddCommentsAndInbox(Id, Collaboration);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapCustomers();
        routes.MapBulkPort();
        routes.MapAccounts();
        routes.MapMerge();
        routes.MapFraud();
        routes.MapLoyalty();
        routes.MapGiftCards();
        routes.MapCommentsAndInbox(Collaboration);
    }
}
