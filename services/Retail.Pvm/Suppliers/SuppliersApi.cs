using System.Text.RegularExpressions;
using FluentValidation;
using Retail.Pvm.Catalog;
using Retail.Pvm.Taxonomy;
using Retail.Shared;

namespace Retail.Pvm.Suppliers;

/// <summary>A contact as a request gives it (every field checked before it becomes a <see cref="SupplierContact"/>).</summary>
public sealed record SupplierContactInput(string? Name, string? Email, string? Phone, string? Role);

/// <summary>What a vendor's and a manufacturer's create request share.</summary>
public interface ISupplierCreate
{
    string? Name { get; }

    string? Country { get; }

    IReadOnlyList<SupplierContactInput>? Contacts { get; }

    SupplierTerms? Terms { get; }
}

public sealed record CreateVendorRequest(string? VendorCode, string? Name, string? Country, IReadOnlyList<SupplierContactInput>? Contacts,
    SupplierTerms? Terms) : ISupplierCreate;

public sealed record CreateManufacturerRequest(string? ManufacturerCode, string? Name, string? Country, IReadOnlyList<SupplierContactInput>? Contacts,
    SupplierTerms? Terms) : ISupplierCreate;

/// <summary>A change to a supplier; fields left out stay. Given contacts replace the list; given terms change the fields they name.</summary>
public sealed record UpdateSupplierRequest<T>(string? Guid, string? Code, string? Name, string? Country, IReadOnlyList<SupplierContactInput>? Contacts,
    SupplierTerms? Terms, long? ExpectedRevision) : IUpdateOf<T>, ISupplierCreate where T : Record, ISupplierRecord<T>
{
    public T Apply(T current) => current.WithDetails(
        RequestRules.Trimmed(Name) ?? current.Name,
        Country is null ? current.Country : SupplierRules.NormalizeCountry(Country),
        Contacts is null ? current.Contacts : SupplierRules.ContactsOf(Contacts),
        Terms is null ? current.Terms : SupplierRules.Merge(current.Terms, Terms));
}

public static partial class SupplierRules
{
    public const int MaxContacts = 20;
    public const int MaxTermDays = 365;

    public static string NormalizeCountry(string country) => country.Trim().ToUpperInvariant();

    public static IReadOnlyList<SupplierContact> ContactsOf(IReadOnlyList<SupplierContactInput>? contacts) =>
        (contacts ?? []).Select(c => new SupplierContact(c.Name!.Trim(), RequestRules.Trimmed(c.Email)?.ToLowerInvariant(),
            RequestRules.Trimmed(c.Phone), RequestRules.Trimmed(c.Role))).ToList();

    public static SupplierTerms? TermsOf(SupplierTerms? terms) => terms is null ? null : Merge(null, terms);

    /// <summary>The current terms with the given fields changed (currency upper case, text trimmed).</summary>
    public static SupplierTerms Merge(SupplierTerms? current, SupplierTerms given) => new(
        given.LeadTimeDays ?? current?.LeadTimeDays,
        given.RtvWindowDays ?? current?.RtvWindowDays,
        given.Currency is null ? current?.Currency : given.Currency.Trim().ToUpperInvariant(),
        RequestRules.Trimmed(given.PaymentTerms) ?? current?.PaymentTerms);

    /// <summary>A plain address (one @, a dotted domain, no spaces), at most 254 characters.</summary>
    public static bool IsEmail(string? email) => email is null || (email.Trim().Length <= 254 && EmailPattern().IsMatch(email.Trim()));

    /// <summary>E.164: a plus, then 7 to 15 digits not starting with 0 (+4930123456).</summary>
    public static bool IsPhone(string? phone) => phone is null || PhonePattern().IsMatch(phone.Trim());

    /// <summary>The rules of the fields a supplier's create and update share; <paramref name="creating"/> makes name and country required.</summary>
    public static void AddSupplierRules<TRequest>(this AbstractValidator<TRequest> validator, bool creating) where TRequest : ISupplierCreate
    {
        if (creating)
        {
            validator.RuleFor(r => r.Name).RequiredText();
            validator.RuleFor(r => r.Country).NotEmpty().WithMessage("is required").Country();
        }
        else
        {
            validator.RuleFor(r => r.Name).Text();
            validator.RuleFor(r => r.Country).Country();
        }
        validator.RuleFor(r => r.Contacts).Must(c => c is null || c.Count <= MaxContacts).WithMessage($"at most {MaxContacts} contacts");
        validator.RuleForEach(r => r.Contacts).NotNull().WithMessage("is required");
        validator.RuleForEach(r => r.Contacts).ChildRules(contact =>
        {
            contact.RuleFor(c => c.Name).RequiredText();
            contact.RuleFor(c => c.Email).Must(IsEmail).WithMessage("must be an e-mail address");
            contact.RuleFor(c => c.Phone).Must(IsPhone).WithMessage("must be an E.164 number such as +4930123456");
            contact.RuleFor(c => c.Role).Text(100);
        }).When(r => r.Contacts is not null && r.Contacts.All(c => c is not null));
        validator.RuleFor(r => r.Terms!.LeadTimeDays).InclusiveBetween(0, MaxTermDays).When(r => r.Terms?.LeadTimeDays is not null)
            .OverridePropertyName("terms.lead_time_days");
        validator.RuleFor(r => r.Terms!.RtvWindowDays).InclusiveBetween(0, MaxTermDays).When(r => r.Terms?.RtvWindowDays is not null)
            .OverridePropertyName("terms.rtv_window_days");
        validator.RuleFor(r => r.Terms!.Currency).Currency().When(r => r.Terms is not null).OverridePropertyName("terms.currency");
        validator.RuleFor(r => r.Terms!.PaymentTerms).Text(500).When(r => r.Terms is not null).OverridePropertyName("terms.payment_terms");
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}

public sealed class CreateVendorRequestValidator : AbstractValidator<CreateVendorRequest>
{
    public CreateVendorRequestValidator()
    {
        RuleFor(r => r.VendorCode).BusinessCode();
        this.AddSupplierRules(creating: true);
    }
}

public sealed class CreateManufacturerRequestValidator : AbstractValidator<CreateManufacturerRequest>
{
    public CreateManufacturerRequestValidator()
    {
        RuleFor(r => r.ManufacturerCode).BusinessCode();
        this.AddSupplierRules(creating: true);
    }
}

public abstract class UpdateSupplierRequestValidator<T> : AbstractValidator<UpdateSupplierRequest<T>> where T : Record, ISupplierRecord<T>
{
    protected UpdateSupplierRequestValidator()
    {
        this.AddUpdateRules<UpdateSupplierRequest<T>, T>();
        this.AddSupplierRules(creating: false);
    }
}

public sealed class UpdateVendorRequestValidator : UpdateSupplierRequestValidator<Vendor>;

public sealed class UpdateManufacturerRequestValidator : UpdateSupplierRequestValidator<Manufacturer>;

/// <summary>
/// Vendors and manufacturers (UC-PVM-001): created <c>pending</c>, activated by an admin before a style may name them,
/// <c>pending → active ⇄ inactive → retired</c>. Retiring one that a draft or active style names as its primary is refused.
/// </summary>
public static class SuppliersApi
{
    public static IEndpointRouteBuilder MapSuppliers(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/vendor").WithTags("Vendors").MapLifecycleData(new LifecycleRoutes<Vendor, SupplierStatus>
        {
            Create = CreateVendor,
            CreatePath = "",
            Update = MasterDataApi.Update<Vendor, UpdateSupplierRequest<Vendor>>,
            StatusGuard = RetireGuard<Vendor>("primary_vendor_guid", "vendor"),
        });
        routes.MapGroup("/manufacturer").WithTags("Manufacturers").MapLifecycleData(new LifecycleRoutes<Manufacturer, SupplierStatus>
        {
            Create = CreateManufacturer,
            CreatePath = "",
            Update = MasterDataApi.Update<Manufacturer, UpdateSupplierRequest<Manufacturer>>,
            StatusGuard = RetireGuard<Manufacturer>("primary_manufacturer_guid", "manufacturer"),
        });
        return routes;
    }

    public static async Task<Results<Created<Vendor>, ProblemHttpResult>> CreateVendor(CreateVendorRequest request, RecordStore<Vendor> store,
        RequestContext context, CancellationToken ct)
    {
        var vendor = new Vendor
        {
            VendorGuid = Ids.New(),
            VendorCode = Codes.Normalize(request.VendorCode),
            Name = request.Name!.Trim(),
            Country = SupplierRules.NormalizeCountry(request.Country!),
            Contacts = SupplierRules.ContactsOf(request.Contacts),
            Terms = SupplierRules.TermsOf(request.Terms),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), vendor, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<Manufacturer>, ProblemHttpResult>> CreateManufacturer(CreateManufacturerRequest request,
        RecordStore<Manufacturer> store, RequestContext context, CancellationToken ct)
    {
        var manufacturer = new Manufacturer
        {
            ManufacturerGuid = Ids.New(),
            ManufacturerCode = Codes.Normalize(request.ManufacturerCode),
            Name = request.Name!.Trim(),
            Country = SupplierRules.NormalizeCountry(request.Country!),
            Contacts = SupplierRules.ContactsOf(request.Contacts),
            Terms = SupplierRules.TermsOf(request.Terms),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), manufacturer, ct: ct)).ToCreated();
    }

    /// <summary>A supplier a draft or active style names as its primary stays until those styles move on.</summary>
    private static Func<IServiceProvider, string, T, SupplierStatus, CancellationToken, Task<ProblemHttpResult?>> RetireGuard<T>(string styleField,
        string name) where T : Record, ISupplierRecord<T> =>
        async (services, orgcode, supplier, to, ct) =>
        {
            if (to != SupplierStatus.Retired)
            {
                return null;
            }
            var styles = services.GetRequiredService<RecordStore<Style>>();
            return await StyleUse.AnyAsync(styles, orgcode, styleField, supplier.Key, StyleUse.DraftOrActive, ct)
                ? PvmProblems.InUse($"A {StyleUse.Names(StyleUse.DraftOrActive)} style names this {name} as its primary {name}.")
                : null;
        };
}
