using Retail.Shared.Contract;
using Retail.Shared.Json;

namespace Retail.Shared.Tests.Json;

public sealed class SnakeCaseTests
{
    [Fact]
    public void An_enum_value_is_named_in_lower_snake_case_every_time_it_is_asked()
    {
        Assert.Equal("service_account", SnakeCase.Name(PrincipalKind.ServiceAccount));
        Assert.Equal("service_account", SnakeCase.Name(PrincipalKind.ServiceAccount));
        Assert.Equal("operator", SnakeCase.Name(PrincipalKind.Operator));
        Assert.Equal("user", SnakeCase.Name(PrincipalKind.User));
    }

    [Fact]
    public void A_value_outside_the_declared_ones_is_named_by_its_number()
    {
        Assert.Equal("42", SnakeCase.Name((PrincipalKind)42));
    }
}
