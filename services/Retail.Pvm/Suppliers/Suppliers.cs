using System.Text.Json.Serialization;

namespace Retail.Pvm.Suppliers;

/// <summary>A supplier is created <c>pending</c> and must be activated before a style may name it (UC-PVM-001).</summary>
public enum SupplierStatus
{
    Pending,
    Active,
    Inactive,
    Retired,
}

public static class SupplierLifecycle
{
    public static readonly StateMachine<SupplierStatus> Machine = new(new Dictionary<SupplierStatus, SupplierStatus[]>
    {
        [SupplierStatus.Pending] = [SupplierStatus.Active, SupplierStatus.Retired],
        [SupplierStatus.Active] = [SupplierStatus.Inactive, SupplierStatus.Retired],
        [SupplierStatus.Inactive] = [SupplierStatus.Active, SupplierStatus.Retired],
        [SupplierStatus.Retired] = [],
    });
}

/// <summary>A person to reach at the supplier.</summary>
public sealed record SupplierContact(string Name, string? Email, string? Phone, string? Role);

/// <summary>Trading terms: lead time, the return-to-vendor window, the currency it invoices in, payment terms.</summary>
public sealed record SupplierTerms(int? LeadTimeDays, int? RtvWindowDays, string? Currency, string? PaymentTerms);

/// <summary>What vendors and manufacturers share, so one set of handlers and rules serves both.</summary>
public interface ISupplierRecord<T> : ILifecycleRecord<T, SupplierStatus> where T : Record, ISupplierRecord<T>
{
    string Name { get; }

    string Country { get; }

    IReadOnlyList<SupplierContact> Contacts { get; }

    SupplierTerms? Terms { get; }

    T WithDetails(string name, string country, IReadOnlyList<SupplierContact> contacts, SupplierTerms? terms);
}

/// <summary>A vendor: who the org buys from (purchase orders, returns to vendor, consignment).</summary>
public sealed record Vendor : Record, ISupplierRecord<Vendor>
{
    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string Name { get; init; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; init; }

    public IReadOnlyList<SupplierContact> Contacts { get; init; } = [];

    public SupplierTerms? Terms { get; init; }

    public SupplierStatus Status { get; init; } = SupplierStatus.Pending;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => VendorGuid;

    public static RecordType<Vendor> Type { get; } = new("vendor", v => [new UniqueValue("vendor_code", v.VendorCode)]);

    public static string KeyName => "vendor_guid";

    public static string CodeName => "vendor_code";

    public static StateMachine<SupplierStatus> Lifecycle => SupplierLifecycle.Machine;

    public Vendor WithStatus(SupplierStatus status, string? reason) => this with { Status = status, StatusReason = reason };

    public Vendor WithDetails(string name, string country, IReadOnlyList<SupplierContact> contacts, SupplierTerms? terms) =>
        this with { Name = name, Country = country, Contacts = contacts, Terms = terms };
}

/// <summary>A manufacturer: who makes the product (compliance, recalls); may differ from the vendor.</summary>
public sealed record Manufacturer : Record, ISupplierRecord<Manufacturer>
{
    public required string ManufacturerGuid { get; init; }

    public required string ManufacturerCode { get; init; }

    public required string Name { get; init; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; init; }

    public IReadOnlyList<SupplierContact> Contacts { get; init; } = [];

    public SupplierTerms? Terms { get; init; }

    public SupplierStatus Status { get; init; } = SupplierStatus.Pending;

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => ManufacturerGuid;

    public static RecordType<Manufacturer> Type { get; } = new("manufacturer", m => [new UniqueValue("manufacturer_code", m.ManufacturerCode)]);

    public static string KeyName => "manufacturer_guid";

    public static string CodeName => "manufacturer_code";

    public static StateMachine<SupplierStatus> Lifecycle => SupplierLifecycle.Machine;

    public Manufacturer WithStatus(SupplierStatus status, string? reason) => this with { Status = status, StatusReason = reason };

    public Manufacturer WithDetails(string name, string country, IReadOnlyList<SupplierContact> contacts, SupplierTerms? terms) =>
        this with { Name = name, Country = country, Contacts = contacts, Terms = terms };
}
