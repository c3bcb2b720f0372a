using System.Text.Json.Nodes;
using Retail.Ipm.Catalog;
using Retail.Shared.Records;

namespace Retail.Ipm.Tests.Catalog;

public sealed class ContractSchemaTests
{
    public enum ParcelStatus
    {
        Packed,
        Shipped,
        Lost,
    }

    public sealed record ParcelShipped(string Orgcode, string ParcelGuid, string OrderGuid, ParcelStatus Status, long Weight, DateTimeOffset ShippedAt,
        DateTimeOffset? DeliveredAt);

    [Fact]
    public void a_schema_names_fields_in_snake_case_enums_by_their_values_and_times_as_date_time_strings()
    {
        var schema = ContractSchemas.Of(typeof(ParcelShipped), "parcel.shipped");
        var properties = schema["properties"]!.AsObject();

        Assert.Equal((ContractSchemas.Draft, "parcel.shipped"), (schema["$schema"]!.GetValue<string>(), schema["title"]!.GetValue<string>()));
        Assert.Equal(["orgcode", "parcel_guid", "order_guid", "status", "weight", "shipped_at", "delivered_at"], properties.Select(p => p.Key));
        Assert.Equal(["packed", "shipped", "lost"], properties["status"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(("string", "date-time"), (properties["shipped_at"]!["type"]!.GetValue<string>(), properties["shipped_at"]!["format"]!.GetValue<string>()));
        Assert.Equal(["string", "null"], properties["delivered_at"]!["type"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void a_specimen_is_the_same_every_time_and_gives_each_guid_field_its_own_guid()
    {
        var schema = ContractSchemas.Of(typeof(ParcelShipped));
        var specimen = ContractSpecimens.Of(schema)!.AsObject();

        Assert.True(JsonNode.DeepEquals(specimen, ContractSpecimens.Of(ContractSchemas.Of(typeof(ParcelShipped)))));
        Assert.NotEqual(specimen["parcel_guid"]!.GetValue<string>(), specimen["order_guid"]!.GetValue<string>());
        Assert.Equal(7, Guid.Parse(specimen["parcel_guid"]!.GetValue<string>()).Version);
        Assert.Equal(("packed", 1, ContractSpecimens.SampleTime), (specimen["status"]!.GetValue<string>(), specimen["weight"]!.GetValue<int>(),
            specimen["shipped_at"]!.GetValue<string>()));
    }

    [Fact]
    public void a_state_machine_lists_every_state_and_its_moves_by_contract_name()
    {
        IStateMachine machine = new StateMachine<ParcelStatus>(new Dictionary<ParcelStatus, ParcelStatus[]>
        {
            [ParcelStatus.Packed] = [ParcelStatus.Shipped],
            [ParcelStatus.Shipped] = [ParcelStatus.Lost],
        });

        Assert.Equal(["packed", "shipped", "lost"], machine.States);
        Assert.Equal(["shipped"], machine.Moves["packed"]);
        Assert.Empty(machine.Moves["lost"]);
        Assert.Equal(typeof(ParcelStatus), machine.StatusType);
    }
}
