using Microsoft.AspNetCore.Http;

namespace Retail.Shared.Contract.Idempotency;

/// <summary>Replays the first answer to a repeated Idempotency-Key. (Being built.)</summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) => next(context);
}
