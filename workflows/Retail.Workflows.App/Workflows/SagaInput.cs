namespace Retail.Workflows.App.Workflows;

public sealed record SagaInput(string Reference);

public sealed record SagaResult(string Reference, IReadOnlyList<string> IdempotencyKeys);
