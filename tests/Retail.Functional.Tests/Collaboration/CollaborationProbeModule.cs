using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Collaboration;
using Retail.Shared.Contract;
using Retail.Shared.Hosting;
using Retail.Shared.Records;
using Retail.Shared.Validation;
using Record = Retail.Shared.Records.Record;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>
/// A test-only service that mounts the comments and inbox module over its own subject records (tickets), until the
/// first real service does. Hosted by the same AddRetail/UseRetail pipeline as every service.
/// </summary>
public sealed class CollaborationProbeModule : IServiceModule
{
    public const string Id = "cie";

    public static readonly CommentsAndInboxOptions Options = new CommentsAndInboxOptions { Endpoints = CollaborationEndpoints.All }.Subject(Ticket.Type);

    public string AppId => Id;

    public string Title => "Comments and inbox probe";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Ticket.Type);
        services.AddCommentsAndInbox(Id, Options);
        services.AddSingleton<IValidator<CreateTicket>, CreateTicketValidator>();
        services.AddSingleton<IValidator<TicketChange>, TicketChangeValidator>();
        services.AddSingleton<CollaborationEventsReceived>();
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/ticket/create", CreateTicketAsync).RequireRole(Role.Member).AsWrite();
        routes.MapPost("/ticket/doom", DoomTicketAsync).RequireRole(Role.Admin).AsWrite();
        routes.MapCommentsAndInbox(Options);
        routes.MapPost("/events/collaboration", ReceiveAsync)
            .WithTopic("pubsub", CollaborationEvents.CommentCreated)
            .WithTopic("pubsub", CollaborationEvents.CommentRevised)
            .WithTopic("pubsub", CollaborationEvents.CommentRedacted)
            .WithTopic("pubsub", CollaborationEvents.InboxItemStateChanged)
            .RequireInternal();
    }

    private static async Task<Results<Created<Ticket>, ProblemHttpResult>> CreateTicketAsync(CreateTicket request, RecordStore<Ticket> tickets,
        RequestContext context, CancellationToken ct)
    {
        var write = await tickets.CreateAsync(context.Orgcode, new Ticket { TicketGuid = Guid.CreateVersion7().ToString(), Title = request.Title! }, ct: ct);
        return write.Succeeded ? TypedResults.Created((string?)null, write.Record!) : write.Problem();
    }

    private static async Task<Results<Ok<Ticket>, ProblemHttpResult>> DoomTicketAsync(TicketChange request, RecordStore<Ticket> tickets,
        RequestContext context, CancellationToken ct)
    {
        var (loaded, problem) = await tickets.LoadForChangeAsync(context.Orgcode, request.TicketGuid, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await tickets.DoomAsync(context.Orgcode, loaded!, ct: ct);
        return write.Succeeded ? TypedResults.Ok(write.Record!) : write.Problem();
    }

    private static async Task<Ok> ReceiveAsync(HttpContext http, CollaborationEventsReceived received)
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        received.Add(http.Request.Headers["ce-type"].ToString(), body.RootElement.Clone());
        return TypedResults.Ok();
    }
}

/// <summary>A second test service that mounts only PVM's four operations, to show a service gets exactly what it lists.</summary>
public sealed class CollaborationLiteModule : IServiceModule
{
    public const string Id = "cielite";

    public static readonly CommentsAndInboxOptions Options = new CommentsAndInboxOptions
    {
        Endpoints = CollaborationEndpoints.Comment | CollaborationEndpoints.CommentList | CollaborationEndpoints.CommentStatus
            | CollaborationEndpoints.CommentReport,
    }.Subject(Note.Type);

    public string AppId => Id;

    public string Title => "Comments probe (PVM's subset)";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecords(Id, Note.Type);
        services.AddCommentsAndInbox(Id, Options);
    }

    public void MapEndpoints(IEndpointRouteBuilder routes) => routes.MapCommentsAndInbox(Options);
}

public sealed record Ticket : Record
{
    public required string TicketGuid { get; init; }

    public required string Title { get; init; }

    public override string Key => TicketGuid;

    public static readonly RecordType<Ticket> Type = new("ticket");
}

public sealed record Note : Record
{
    public required string NoteGuid { get; init; }

    public override string Key => NoteGuid;

    public static readonly RecordType<Note> Type = new("note");
}

public sealed record CreateTicket(string? Title);

public sealed record TicketChange(string? TicketGuid, long? ExpectedRevision);

public sealed class CreateTicketValidator : AbstractValidator<CreateTicket>
{
    public CreateTicketValidator() => RuleFor(r => r.Title).RequiredText(100);
}

public sealed class TicketChangeValidator : AbstractValidator<TicketChange>
{
    public TicketChangeValidator() => RuleFor(r => r.TicketGuid).RequiredGuid();
}

public sealed class CollaborationEventsReceived
{
    private readonly ConcurrentQueue<(string Type, JsonElement Data)> _events = new();

    public void Add(string type, JsonElement data) => _events.Enqueue((type, data));

    public IReadOnlyList<(string Type, JsonElement Data)> All => _events.ToArray();
}
