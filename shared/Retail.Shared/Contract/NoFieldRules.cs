using FluentValidation;

namespace Retail.Shared.Contract;

/// <summary>
/// The validator of a request whose fields need no rule beyond what binding already enforces (types, unknown fields
/// refused) or that its handler checks itself. Start-up asks every bound request for a validator; deriving from this
/// one records that accepting the shape as it is was decided, not forgotten.
/// </summary>
public abstract class NoFieldRules<T> : AbstractValidator<T>;
