using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Retail.Shared.Contract;

namespace Retail.Shared.Hosting;

/// <summary>Documents the contract on every operation: its minimum role, its headers and the problems it can answer.</summary>
internal sealed class ContractOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var access = metadata.OfType<AccessRequirement>().LastOrDefault();
        var isWrite = metadata.OfType<WriteOperation>().Any();
        if (access is null)
        {
            return Task.CompletedTask;
        }
        var role = access.Kind switch
        {
            AccessKind.Anonymous => "anonymous",
            AccessKind.Authenticated => "authenticated",
            AccessKind.Operator => "operator",
            AccessKind.Internal => "internal",
            _ => access.MinimumRole.ToString().ToLowerInvariant(),
        };
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-min-role"] = new JsonNodeExtension(JsonValue.Create(role));
        operation.Description = $"Minimum role: `{role}`." + (isWrite ? " A write: send an `Idempotency-Key`." : "")
            + (string.IsNullOrEmpty(operation.Description) ? "" : "\n\n" + operation.Description);

        operation.Parameters ??= [];
        if (access.IsOrgScoped)
        {
            operation.Parameters.Add(Header(CredentialHeaders.Orgcode, "The org the request acts in (defaults to an API key's own org).", false));
        }
        if (isWrite)
        {
            operation.Parameters.Add(Header(CredentialHeaders.IdempotencyKey, "1–255 printable characters; replays the first answer for 24 h.", false));
        }

        operation.Responses ??= [];
        AddProblem(operation, "400", "validation_failed, context_mismatch, expected_revision_required");
        AddProblem(operation, "413", "payload_too_large");
        if (access.Kind != AccessKind.Anonymous)
        {
            AddProblem(operation, "401", "unauthenticated");
            AddProblem(operation, "503", "dependency_unavailable (a credential could not be checked)");
        }
        if (access.Kind is AccessKind.OrgRole or AccessKind.Operator or AccessKind.Internal)
        {
            AddProblem(operation, "403", "forbidden, org_not_active");
        }
        AddProblem(operation, "404", "not_found");
        if (isWrite)
        {
            AddProblem(operation, "409", "revision_mismatch, invalid_transition, duplicate, idempotency_in_progress");
            AddProblem(operation, "422", "idempotency_key_reused and business rules");
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string description, bool required) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static void AddProblem(OpenApiOperation operation, string status, string codes)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }
        operation.Responses[status] = new OpenApiResponse
        {
            Description = $"Problem ({codes}).",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
        };
    }
}

internal sealed class ContractDocumentTransformer(string appId, string title) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = $"{title} ({appId})";
        document.Info.Version = RetailVersion.Current;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["api_key"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CredentialHeaders.ApiKey,
            Description = "A service-account key from USM, or the deployment's operator key.",
        };
        document.Components.SecuritySchemes["session"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CredentialHeaders.Session,
            Description = "A user session from USM.",
        };
        return Task.CompletedTask;
    }
}

public static class RetailVersion
{
    public static string Current { get; } =
        typeof(RetailVersion).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
}
