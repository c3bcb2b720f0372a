using Retail.Pvm.Brands;
using Retail.Pvm.Bulk;
using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Links;
using Retail.Pvm.Options;
using Retail.Pvm.Records;
using Retail.Pvm.Suppliers;
using Retail.Pvm.Taxonomy;
using Retail.Shared.Bulk;
using Retail.Shared.Collaboration;
using Retail.Shared.Hosting;

namespace Retail.Pvm;

/// <summary>Product and Vendor Management: suppliers, brands, taxonomy, option models, styles and variants, identifiers, kits and links.</summary>
public sealed class PvmModule : IServiceModule
{
    public const string Id = "pvm";

    public string AppId => Id;

    public string Title => "Product and Vendor Management";

    /// <summary>Comments (with MRS attachments) on any PVM record; PVM's row lists no inbox.</summary>
    public static readonly CommentsAndInboxOptions Collaboration = new CommentsAndInboxOptions
    {
        Endpoints = CollaborationEndpoints.Comment | CollaborationEndpoints.CommentList | CollaborationEndpoints.CommentStatus
            | CollaborationEndpoints.CommentReport,
    }
        .Subject(Vendor.Type).Subject(Manufacturer.Type).Subject(Brand.Type)
        .Subject(Division.Type).Subject(Department.Type).Subject(Category.Type).Subject(Season.Type)
        .Subject(OptionGroup.Type).Subject(Option.Type).Subject(Ogm.Type)
        .Subject(Style.Type).Subject(Variant.Type)
        .Subject(Identifier.Type).Subject(Barcode.Type).Subject(Alias.Type)
        .Subject(Kit.Type).Subject(VariantLink.Type);

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddLifecycleRecord<Vendor, SupplierStatus>(Id);
        services.AddLifecycleRecord<Manufacturer, SupplierStatus>(Id);
        services.AddMasterRecord<Brand>(Id);
        services.AddRecords(Id, BrandLink.Type);
        services.AddMasterRecord<Division>(Id);
        services.AddMasterRecord<Department>(Id);
        services.AddMasterRecord<Category>(Id);
        services.AddMasterRecord<Season>(Id);
        services.AddMasterRecord<OptionGroup>(Id);
        services.AddMasterRecord<Option>(Id);
        services.AddLifecycleRecord<Ogm, OgmStatus>(Id);
        services.AddLifecycleRecord<Style, ProductStatus>(Id);
        services.AddLifecycleRecord<Variant, ProductStatus>(Id);
        services.AddRecords(Id, Identifier.Type);
        services.AddRecords(Id, Barcode.Type);
        services.AddRecords(Id, Alias.Type);
        services.AddRecords(Id, Kit.Type);
        services.AddRecords(Id, VariantLink.Type);
        services.AddCommentsAndInbox(Id, Collaboration);
        services.AddPvmBulk();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapSuppliers();
        routes.MapBrands();
        routes.MapTaxonomy();
        routes.MapOptions();
        routes.MapOgm();
        routes.MapStyles();
        routes.MapVariants();
        routes.MapIdentifiers();
        routes.MapBarcodes();
        routes.MapAliases();
        routes.MapResolvers();
        routes.MapKits();
        routes.MapVariantLinks();
        routes.MapRecordQueries();
        routes.MapCommentsAndInbox(Collaboration);
        routes.MapBulkPort();
    }
}
