using System.Collections.Concurrent;
using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Problems;
using Retail.Shared.Validation;

namespace Retail.Shared.Contract;

/// <summary>
/// Runs the registered FluentValidation validator of each bound argument, and the one-source-of-truth rule:
/// a body <c>orgcode</c> that differs from the request's org is 400 <c>context_mismatch</c>.
/// Declared once on every module's group.
/// </summary>
public static class ValidationFilter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> OrgcodeProperties = new();

    /// <summary>Whether an argument of this type is the request's own shape (so has a validator), not a framework or primitive type.</summary>
    public static bool CanBeValidated(Type type) =>
        type is { IsClass: true } && type != typeof(string) && type.Namespace?.StartsWith("Microsoft", StringComparison.Ordinal) != true
        && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true;

    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var parameters = factory.MethodInfo.GetParameters();
        var checks = new List<(int Index, IValidator? Validator, PropertyInfo? Orgcode)>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (!CanBeValidated(type))
            {
                continue;
            }
            var validatorType = typeof(IValidator<>).MakeGenericType(type);
            // Taken once here, not looked up on every request: validators are stateless, and every module registers its
            // own as singletons (this lookup from the root provider would already refuse a scoped one).
            var validator = factory.ApplicationServices.GetService(validatorType) as IValidator;
            var orgcode = OrgcodeProperties.GetOrAdd(type, t => t.GetProperty("Orgcode", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var pt } p && pt == typeof(string) ? p : null);
            if (validator is not null || orgcode is not null)
            {
                checks.Add((i, validator, orgcode));
            }
        }
        if (checks.Count == 0)
        {
            return next;
        }

        return async invocation =>
        {
            foreach (var (index, validator, orgcodeProperty) in checks)
            {
                var argument = invocation.Arguments[index];
                if (argument is null)
                {
                    // A handler generic in its request type binds an empty body as null rather than refusing it.
                    return ApiProblem.Validation("body", "The body is missing; send a JSON object ({} when empty).");
                }
                if (orgcodeProperty?.GetValue(argument) is string bodyOrg && bodyOrg.Length > 0)
                {
                    var context = invocation.HttpContext.RequestServices.GetRequiredService<RequestContext>();
                    if (context.Orgcode is not null && Codes.Normalize(bodyOrg) != context.Orgcode)
                    {
                        return ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch,
                            "The body's orgcode differs from the request's org.",
                            "Send the org once, in x-orgcode; a body orgcode must match it.");
                    }
                }
                if (validator is null || (validator is IQuickValidation quick && quick.Passes(argument)))
                {
                    continue;
                }
                var result = await ValidateAsync(validator, argument, invocation.HttpContext.RequestAborted);
                if (!result.IsValid)
                {
                    return ApiProblem.Validation(result.ToDictionary());
                }
            }
            return await next(invocation);
        };
    }

    /// <summary>
    /// Synchronously, as every validator here has only synchronous rules: FluentValidation's asynchronous path costs each
    /// rule a state machine, on every request. A validator that gains an asynchronous rule makes the synchronous call
    /// throw when it reaches that rule (rules have no side effects), and is then run again asynchronously.
    /// </summary>
    private static ValueTask<FluentValidation.Results.ValidationResult> ValidateAsync(IValidator validator, object argument, CancellationToken ct)
    {
        try
        {
            return ValueTask.FromResult(validator.Validate(new ValidationContext<object>(argument)));
        }
        catch (AsyncValidatorInvokedSynchronouslyException)
        {
            return new ValueTask<FluentValidation.Results.ValidationResult>(validator.ValidateAsync(new ValidationContext<object>(argument), ct));
        }
    }
}
