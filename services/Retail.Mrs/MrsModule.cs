using Dapr;
using Microsoft.Extensions.Options;
using Retail.Mrs.Records;
using Retail.Shared.Hosting;

namespace Retail.Mrs;

/// <summary>Metarecord Service: opaque payloads (inline JSON or presigned gzip uploads) with metadata, tags and lifecycle.</summary>
public sealed class MrsModule : IServiceModule
{
    public const string Id = "mrs";

    public string AppId => Id;

    public string Title => "Metarecord Service";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MrsOptions>().Bind(configuration.GetSection(MrsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MrsOptions>, MrsOptionsValidator>();
        var mrs = configuration.GetSection(MrsOptions.Section).Get<MrsOptions>() ?? new MrsOptions();
        var retail = configuration.GetSection(RetailOptions.Section).Get<RetailOptions>() ?? new RetailOptions();
        services.AddRecords(Id, MrsRecord.Type);
        services.AddBlobStore(retail, mrs.BlobBindingName);
        services.AddSingleton(sp => new UrlSigningKey(sp.GetRequiredService<IOptions<MrsOptions>>().Value,
            sp.GetRequiredService<IOptions<RetailOptions>>().Value));
        services.AddSingleton<UrlSigner>();
        services.AddSingleton<RecordSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordSweeper>());
        services.AddKeyedScoped<IStorageMeter>(Id, (sp, _) => new BlobStorageMeter(sp.GetRequiredService<RecordStore<MrsRecord>>()));
        if (retail.Mode != RuntimeMode.Dapr)
        {
            services.AddKeyedSingleton<Retail.Shared.OrgData.IOrgDataPart>(Id, (sp, _) =>
                new BlobOrgData(sp.GetRequiredService<Retail.Shared.Blobs.IBlobStore>(), (Retail.Shared.Blobs.IBlobListing)sp.GetRequiredService<Retail.Shared.Blobs.IBlobStore>()));
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapRecords();
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/comment-redacted", CommentRetentionSubscriber.OnCommentRedacted)
            .WithTopic(pubSub, CommentRetentionSubscriber.Topic).RequireInternal().ExcludeFromDescription();
    }
}
