using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using FluentValidation.Results;
using FluentValidation.Validators;
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

        // The credentials the pipeline accepts: OpenAPI declares credential headers as security requirements.
        if (access.Kind != AccessKind.Anonymous)
        {
            operation.Security ??= [];
            operation.Security.Add(Requirement(ContractDocumentTransformer.ApiKeyScheme, context.Document));
            if (access.Kind is AccessKind.Authenticated or AccessKind.OrgRole)
            {
                operation.Security.Add(Requirement(ContractDocumentTransformer.SessionScheme, context.Document));
            }
        }

        operation.Parameters ??= [];
        if (access.IsOrgScoped)
        {
            operation.Parameters.Add(Header(CredentialHeaders.Orgcode, "The org the request acts in (defaults to an API key's own org).", false));
        }
        else if (metadata.OfType<OrgHeaderRequired>().Any())
        {
            operation.Parameters.Add(Header(CredentialHeaders.Orgcode, "The org the request is about.", true));
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

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

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
    public const string ApiKeyScheme = "api_key";
    public const string SessionScheme = "session";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = $"{title} ({appId})";
        document.Info.Version = RetailVersion.Current;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CredentialHeaders.ApiKey,
            Description = "A service-account key from USM, or the deployment's operator key.",
        };
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CredentialHeaders.Session,
            Description = "A user session from USM.",
        };
        return Task.CompletedTask;
    }
}

/// <summary>
/// Marks as required only what a request must carry: a nullable field is optional unless its validator insists on it
/// (the generator marks every constructor parameter required). <c>expected_revision</c> stays required: the contract
/// refuses a change without it (400 <c>expected_revision_required</c>), after validation.
/// </summary>
internal sealed class RequiredFieldsSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly ConcurrentDictionary<Type, HashSet<string>?> ValidatorRequired = new();

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return Task.CompletedTask;
        }
        if (ValidatorRequired.GetOrAdd(type.Type, t => RequiredByValidator(t, context.ApplicationServices)) is not { } insisted)
        {
            return Task.CompletedTask;
        }
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.Properties)
        {
            var member = property.AttributeProvider as MemberInfo;
            if (schema.Properties?.ContainsKey(property.Name) != true)
            {
                continue;
            }
            var wasRequired = schema.Required?.Contains(property.Name) == true;
            if ((member is not null && insisted.Contains(member.Name))
                || (wasRequired && (property.Name == "expected_revision" || !IsNullable(member, property.PropertyType))))
            {
                required.Add(property.Name);
            }
        }
        schema.Required = required.Count == 0 ? null : required;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The members the validator refuses to see missing: validated on a request with every field missing, those it
    /// complains about, leaving out members whose rules are conditional (required only beside or without another field).
    /// </summary>
    private static HashSet<string>? RequiredByValidator(Type type, IServiceProvider services)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (services.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator)
        {
            return names;
        }
        var empty = RuntimeHelpers.GetUninitializedObject(type);
        ValidationResult result;
        try
        {
            result = validator.Validate(new ValidationContext<object>(empty));
        }
        catch (NullReferenceException)
        {
            // A rule that reads a field it did not check first: the type stays as the generator marked it.
            return null;
        }
        var failing = result.Errors.Select(e => e.PropertyName).ToHashSet(StringComparer.Ordinal);
        var conditional = validator.CreateDescriptor().Rules
            .Where(r => r.Member is not null && r.Components.Any(c => c.HasCondition || c.HasAsyncCondition))
            .Select(r => r.Member!.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in validator.CreateDescriptor().Rules)
        {
            // RuleForEach checks the elements, not whether the collection is there.
            var perElement = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
            if (rule.Member is not { } member || perElement)
            {
                continue;
            }
            if (rule.Components.Any(c => !c.HasCondition && !c.HasAsyncCondition
                && RejectsMissing(c.Validator, type, empty,
                    !conditional.Contains(member.Name) && failing.Contains(JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name)))))
            {
                names.Add(member.Name);
            }
        }
        return names;
    }

    /// <summary>
    /// Whether an unconditional check refuses a missing value: NotNull and NotEmpty; a predicate (such as "must be a
    /// grantable role") that says no to null; any other when the all-missing request failed on a field with no conditional rule.
    /// </summary>
    private static bool RejectsMissing(IPropertyValidator validator, Type type, object empty, bool fieldFailedWhenMissing)
    {
        if (validator is INotNullValidator or INotEmptyValidator)
        {
            return true;
        }
        var contract = validator.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType
            && i.GetGenericTypeDefinition() == typeof(IPropertyValidator<,>) && i.GetGenericArguments()[0] == type);
        if (contract is null)
        {
            return false;
        }
        var propertyType = contract.GetGenericArguments()[1];
        if (propertyType.IsValueType && Nullable.GetUnderlyingType(propertyType) is null)
        {
            return false;
        }
        var context = Activator.CreateInstance(typeof(ValidationContext<>).MakeGenericType(type), empty);
        try
        {
            // A custom rule reports through the context, not its answer: then the all-missing request's failure decides.
            return contract.GetMethod(nameof(IPropertyValidator<object, object>.IsValid))!.Invoke(validator, [context, null]) is false
                || fieldFailedWhenMissing;
        }
        catch (TargetInvocationException)
        {
            // A check that cannot even look at a missing value does not accept one.
            return true;
        }
    }

    private static bool IsNullable(MemberInfo? member, Type type)
    {
        if (Nullable.GetUnderlyingType(type) is not null)
        {
            return true;
        }
        if (type.IsValueType)
        {
            return false;
        }
        var nullability = new NullabilityInfoContext();
        return member switch
        {
            PropertyInfo p => nullability.Create(p).ReadState != NullabilityState.NotNull,
            FieldInfo f => nullability.Create(f).ReadState != NullabilityState.NotNull,
            _ => true,
        };
    }
}

public static class RetailVersion
{
    public static string Current { get; } =
        typeof(RetailVersion).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
}
