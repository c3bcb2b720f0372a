using FluentValidation;

namespace Retail.Crm.Accounts;

/// <summary>A new contact of an account (not closed): name, e-mail, phone, at least one role, optionally the live customer they are.</summary>
public sealed record CreateContactRequest(string? AccountGuid, string? Name, string? Email, string? Phone, IReadOnlyList<ContactRole>? Roles,
    string? CustomerGuid) : IContactFields;

/// <summary>A change to a contact; fields left out stay as they are (given roles replace the list).</summary>
public sealed record UpdateContactRequest(string? ContactGuid, string? Name, string? Email, string? Phone, IReadOnlyList<ContactRole>? Roles,
    string? CustomerGuid, long? ExpectedRevision) : IContactFields;

public sealed record ContactStatusRequest(string? ContactGuid, ContactStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record ContactKey(string? ContactGuid);

/// <summary>
/// An account's contacts (by role and status when given), or the contacts linked to a customer; one of
/// <see cref="AccountGuid"/> and <see cref="CustomerGuid"/>.
/// </summary>
public sealed record ContactListRequest(string? AccountGuid, string? CustomerGuid, ContactRole? Role, ContactStatus? Status, int? Limit, string? NextToken)
    : IPagedRequest;

public interface IContactFields
{
    string? Name { get; }

    string? Email { get; }

    string? Phone { get; }

    IReadOnlyList<ContactRole>? Roles { get; }

    string? CustomerGuid { get; }
}

public static class ContactRequestRules
{
    public static void AddContactRules<T>(this AbstractValidator<T> validator, bool creating) where T : IContactFields
    {
        if (creating)
        {
            validator.RuleFor(r => r.Name).RequiredText();
            validator.RuleFor(r => r.Roles).NotNull().WithMessage("is required");
        }
        else
        {
            validator.RuleFor(r => r.Name).Text();
        }
        validator.RuleFor(r => r.Email).Must(ContactRules.IsEmail).WithMessage("must be an e-mail address");
        validator.RuleFor(r => r.Phone).Text(30);
        validator.RuleFor(r => r.Roles).Must(r => r is null || r.Count is > 0 and <= ContactRules.MaxRoles).WithMessage("lists at least one role (buyer, approver, billing)")
            .Must(r => r is null || r.Distinct().Count() == r.Count).WithMessage("lists each role once");
        validator.RuleFor(r => r.CustomerGuid).OptionalGuid();
    }
}

public sealed class CreateContactRequestValidator : AbstractValidator<CreateContactRequest>
{
    public CreateContactRequestValidator()
    {
        RuleFor(r => r.AccountGuid).RequiredGuid();
        this.AddContactRules(creating: true);
    }
}

public sealed class UpdateContactRequestValidator : AbstractValidator<UpdateContactRequest>
{
    public UpdateContactRequestValidator()
    {
        RuleFor(r => r.ContactGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        this.AddContactRules(creating: false);
    }
}

public sealed class ContactStatusRequestValidator : AbstractValidator<ContactStatusRequest>
{
    public ContactStatusRequestValidator()
    {
        RuleFor(r => r.ContactGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ContactKeyValidator : AbstractValidator<ContactKey>
{
    public ContactKeyValidator() => RuleFor(r => r.ContactGuid).RequiredGuid();
}

public sealed class ContactListRequestValidator : AbstractValidator<ContactListRequest>
{
    public ContactListRequestValidator()
    {
        RuleFor(r => r.AccountGuid).OptionalGuid();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.AccountGuid).Must((r, a) => (a is null) != (r.CustomerGuid is null)).WithMessage("name an account_guid or a customer_guid (one of them)");
        RuleFor(r => r.Role).Null().When(r => r.AccountGuid is null).WithMessage("filters an account's contacts; name the account_guid");
        RuleFor(r => r.Status).Null().When(r => r.AccountGuid is null).WithMessage("filters an account's contacts; name the account_guid");
        this.AddPagingRules();
    }
}
