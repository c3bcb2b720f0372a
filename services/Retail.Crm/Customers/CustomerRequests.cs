using FluentValidation;

namespace Retail.Crm.Customers;

/// <param name="Country">ISO 3166-1 alpha-2.</param>
public sealed record AddressRequest(string? Label, string? Line1, string? Line2, string? City, string? Region, string? Postcode, string? Country);

/// <param name="DefaultRegion">ISO 3166-1 alpha-2 country a national phone number is read in; the first address's country when left out.</param>
/// <param name="ExternalIds">Ids of the customer in other systems, by system code (<c>shopify</c> → <c>12345</c>).</param>
public sealed record CreateCustomerRequest(string? Email, string? Phone, string? DefaultRegion, string? GivenName, string? FamilyName,
    IReadOnlyList<AddressRequest>? Addresses, IReadOnlyDictionary<string, string>? ExternalIds, string? AccountGuid);

/// <summary>Fields left out (null) stay as they are; an empty string clears e-mail, phone, a name or the account; a list or map given replaces.</summary>
public sealed record UpdateCustomerRequest(string? CustomerGuid, long? ExpectedRevision, string? Email, string? Phone, string? DefaultRegion,
    string? GivenName, string? FamilyName, IReadOnlyList<AddressRequest>? Addresses, IReadOnlyDictionary<string, string>? ExternalIds, string? AccountGuid);

public sealed record SetCustomerStatusRequest(string? CustomerGuid, long? ExpectedRevision, CustomerStatus? Status, string? Reason);

/// <summary>One of <c>customer_guid</c>, <c>email</c> or <c>phone</c> (with <c>default_region</c> for a national number).</summary>
public sealed record GetCustomerRequest(string? CustomerGuid, string? Email, string? Phone, string? DefaultRegion);

/// <param name="Flag">Customers with this flag set (alone: not combined with other filters).</param>
/// <param name="Consent">Customers who granted this purpose (alone: not combined with other filters) — what an export needing it reads.</param>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created before.</param>
public sealed record ListCustomersRequest(CustomerStatus? Status, string? AccountGuid, string? Flag, ConsentPurpose? Consent, DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>Exactly one of <c>query</c> (words of a name), <c>email_prefix</c> or <c>phone_prefix</c>.</summary>
public sealed record SearchCustomersRequest(string? Query, string? EmailPrefix, string? PhonePrefix, int? Limit, string? NextToken) : IPagedRequest;

internal static class CustomerRequestRules
{
    public const int MaxAddresses = 10;
    public const int MaxExternalIds = 20;
    public const int MaxQueryTerms = 5;

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();

    public static bool AreExternalIds(IReadOnlyDictionary<string, string>? ids) =>
        ids is null || (ids.Count <= MaxExternalIds && ids.Keys.All(k => Codes.IsValid(Codes.Normalize(k)))
            && ids.Values.All(v => v is not null && RequestRules.IsText(v, 200)));

    public const string ExternalIdsMessage = "holds at most 20 systems, each a code (^[a-z0-9][a-z0-9_-]{1,63}$) with an id of 1–200 characters";

    public static IReadOnlyList<CustomerAddress> Addresses(IReadOnlyList<AddressRequest> addresses) =>
        addresses.Select(a => new CustomerAddress(RequestRules.Trimmed(a.Label), a.Line1!.Trim(), RequestRules.Trimmed(a.Line2), a.City!.Trim(),
            RequestRules.Trimmed(a.Region), RequestRules.Trimmed(a.Postcode), CustomerContact.NormaliseCountry(a.Country!))).ToList();

    public static IReadOnlyDictionary<string, string> ExternalIds(IReadOnlyDictionary<string, string> ids) =>
        ids.ToDictionary(i => Codes.Normalize(i.Key)!, i => i.Value.Trim(), StringComparer.Ordinal);

    /// <summary>The region a national phone number is read in: the one named, else the first address's country.</summary>
    public static string? RegionFor(string? defaultRegion, IReadOnlyList<AddressRequest>? addresses) =>
        RequestRules.Trimmed(defaultRegion) ?? addresses?.FirstOrDefault()?.Country?.Trim();

    /// <summary>Words of letters or digits, lower-cased: what the full-text index is asked for.</summary>
    public static IReadOnlyList<string> Terms(string? query)
    {
        var terms = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var c in (query ?? "") + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                terms.Add(word.ToString());
                word.Clear();
            }
        }
        return terms.Distinct(StringComparer.Ordinal).ToList();
    }
}

public sealed class AddressRequestValidator : AbstractValidator<AddressRequest>
{
    public AddressRequestValidator()
    {
        RuleFor(a => a.Label).Text(50);
        RuleFor(a => a.Line1).RequiredText(200);
        RuleFor(a => a.Line2).Text(200);
        RuleFor(a => a.City).RequiredText(100);
        RuleFor(a => a.Region).Text(100);
        RuleFor(a => a.Postcode).Text(20);
        RuleFor(a => a.Country).NotEmpty().WithMessage("is required").Must(CustomerContact.IsCountry).WithMessage("must be an ISO 3166-1 alpha-2 country code");
    }
}

public sealed class CreateCustomerRequestValidator : AbstractValidator<CreateCustomerRequest>
{
    public CreateCustomerRequestValidator()
    {
        RuleFor(r => r.Email).Must(CustomerContact.IsEmail).When(r => r.Email is not null).WithMessage("is not a valid e-mail address");
        RuleFor(r => r.Email).NotEmpty().When(r => r.Phone is null).WithMessage("e-mail or phone is required");
        RuleFor(r => r.DefaultRegion).Must(CustomerContact.IsCountry).When(r => r.DefaultRegion is not null)
            .WithMessage("must be an ISO 3166-1 alpha-2 country code");
        RuleFor(r => r.Phone).Must((r, phone) => CustomerContact.ToE164(phone, CustomerRequestRules.RegionFor(r.DefaultRegion, r.Addresses)) is not null)
            .When(r => r.Phone is not null)
            .WithMessage("is not a valid phone number (a national number needs default_region or an address country)");
        RuleFor(r => r.GivenName).Text(100);
        RuleFor(r => r.FamilyName).Text(100);
        RuleFor(r => r.Addresses).Must(a => a is null || a.Count <= CustomerRequestRules.MaxAddresses)
            .WithMessage($"has at most {CustomerRequestRules.MaxAddresses} addresses");
        RuleForEach(r => r.Addresses).NotNull().SetValidator(new AddressRequestValidator());
        RuleFor(r => r.ExternalIds).Must(CustomerRequestRules.AreExternalIds).WithMessage(CustomerRequestRules.ExternalIdsMessage);
        RuleFor(r => r.AccountGuid).OptionalGuid();
    }
}

public sealed class UpdateCustomerRequestValidator : AbstractValidator<UpdateCustomerRequest>
{
    public UpdateCustomerRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Email).Must(CustomerContact.IsEmail).When(r => !string.IsNullOrWhiteSpace(r.Email)).WithMessage("is not a valid e-mail address");
        RuleFor(r => r.Phone).MaximumLength(40);
        RuleFor(r => r.DefaultRegion).Must(CustomerContact.IsCountry).When(r => r.DefaultRegion is not null)
            .WithMessage("must be an ISO 3166-1 alpha-2 country code");
        RuleFor(r => r.GivenName).Text(100).When(r => r.GivenName is { Length: > 0 });
        RuleFor(r => r.FamilyName).Text(100).When(r => r.FamilyName is { Length: > 0 });
        RuleFor(r => r.Addresses).Must(a => a is null || a.Count <= CustomerRequestRules.MaxAddresses)
            .WithMessage($"has at most {CustomerRequestRules.MaxAddresses} addresses");
        RuleForEach(r => r.Addresses).NotNull().SetValidator(new AddressRequestValidator());
        RuleFor(r => r.ExternalIds).Must(CustomerRequestRules.AreExternalIds).WithMessage(CustomerRequestRules.ExternalIdsMessage);
        RuleFor(r => r.AccountGuid).OptionalGuid().When(r => r.AccountGuid is { Length: > 0 });
    }
}

public sealed class SetCustomerStatusRequestValidator : AbstractValidator<SetCustomerStatusRequest>
{
    public SetCustomerStatusRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Status).NotNull().WithMessage("is required")
            .Must(s => s is CustomerStatus.Active or CustomerStatus.Inactive).WithMessage("must be active or inactive (a merge is /customer/merge)");
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class GetCustomerRequestValidator : AbstractValidator<GetCustomerRequest>
{
    public GetCustomerRequestValidator()
    {
        RuleFor(r => r).Must(r => new[] { r.CustomerGuid, r.Email, r.Phone }.Count(v => v is not null) == 1)
            .WithMessage("name exactly one of customer_guid, email or phone").OverridePropertyName("customer_guid");
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.Email).MaximumLength(CustomerContact.MaxEmailLength);
        RuleFor(r => r.Phone).MaximumLength(40);
        RuleFor(r => r.DefaultRegion).Must(CustomerContact.IsCountry).When(r => r.DefaultRegion is not null)
            .WithMessage("must be an ISO 3166-1 alpha-2 country code");
    }
}

public sealed class ListCustomersRequestValidator : AbstractValidator<ListCustomersRequest>
{
    public ListCustomersRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.Consent).IsInEnum().When(r => r.Consent is not null);
        RuleFor(r => r.AccountGuid).OptionalGuid();
        RuleFor(r => r.Flag).Must(CustomerFlagRules.IsCode).When(r => r.Flag is not null).WithMessage(CustomerFlagRules.CodeMessage);
        RuleFor(r => r.CreatedTo).GreaterThan(r => r.CreatedFrom).When(r => r.CreatedFrom is not null && r.CreatedTo is not null);
        RuleFor(r => r).Must(r => r.Status is null && r.AccountGuid is null && r.CreatedFrom is null && r.CreatedTo is null && (r.Flag is null || r.Consent is null))
            .When(r => r.Flag is not null || r.Consent is not null)
            .WithMessage("flag and consent each list alone; they do not combine with other filters").OverridePropertyName("flag");
    }
}

public sealed class SearchCustomersRequestValidator : AbstractValidator<SearchCustomersRequest>
{
    public SearchCustomersRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r).Must(r => new[] { r.Query, r.EmailPrefix, r.PhonePrefix }.Count(v => v is not null) == 1)
            .WithMessage("name exactly one of query, email_prefix or phone_prefix").OverridePropertyName("query");
        RuleFor(r => r.Query).MaximumLength(200)
            .Must(q => CustomerRequestRules.Terms(q).Count is > 0 and <= CustomerRequestRules.MaxQueryTerms)
            .When(r => r.Query is not null).WithMessage($"must hold 1–{CustomerRequestRules.MaxQueryTerms} words of letters or digits");
        RuleFor(r => r.EmailPrefix).Must(p => p!.Trim().Length is > 0 and <= CustomerContact.MaxEmailLength && !p.Trim().Any(char.IsWhiteSpace))
            .When(r => r.EmailPrefix is not null).WithMessage("must be the start of an e-mail address");
        RuleFor(r => r.PhonePrefix).Must(p => CustomerContact.PhonePrefix(p) is not null).When(r => r.PhonePrefix is not null)
            .WithMessage("must be the start of an international number: an optional + and 1–15 digits");
    }
}
