using CsCheck;
using FluentValidation;
using Retail.Ppm.Pricing;

namespace Retail.Ppm.Tests;

/// <summary>
/// The resolve validator's fast path (<see cref="ResolveRequestValidator.Passes"/>) against its FluentValidation rules, on
/// random requests mixing valid and invalid fields: the fast path never lets through what the rules refuse, and it takes
/// every request the rules accept (so the hot path really skips them).
/// </summary>
public sealed class ResolveValidationPropertyTests
{
    private static readonly ResolveRequestValidator Validator = new();

    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    // Each field mostly of values the rules accept (so whole requests often pass), the rest of edge cases either side.
    private static Gen<T> Mostly<T>(T[] usual, T[] edges) => Gen.Frequency((6, Pick(usual)), (1, Pick(edges)));

    private static readonly Gen<string?> GenCode = Mostly<string?>([null, "web", "store-12"], [" Web-2 ", "", "  ", "bad code!", "a", "x_y", new string('c', 80), "é"]);

    private static readonly Gen<string?> GenGuid = Mostly<string?>(["01a25081-35c6-726f-b09f-64773b616fd1", "01a25081-35d5-747f-a3f0-1a19a16ff0fd"],
        [null, "", " ", "not-a-guid", "{01a25081-35c6-726f-b09f-64773b616fd1}", "01A25081-35C6-726F-B09F-64773B616FD1", " 01a25081-35c6-726f-b09f-64773b616fd1 "]);

    private static readonly Gen<int?> GenQuantity = Mostly<int?>([1, 2, 7], [null, -3, 0, ResolveRequestValidator.MaxQuantity, ResolveRequestValidator.MaxQuantity + 1]);

    private static readonly Gen<ResolveLineRequest> GenLine = Gen.Select(GenGuid, GenQuantity, GenCode, (guid, quantity, uom) => new ResolveLineRequest(guid, quantity, uom));

    private static readonly Gen<IReadOnlyList<ResolveLineRequest>?> GenLines = Gen.Frequency(
        (1, Pick<IReadOnlyList<ResolveLineRequest>?>([null])),
        (8, GenLine.List[0, 3].Select(l => (IReadOnlyList<ResolveLineRequest>?)l)),
        (1, GenLine.Select(l => (IReadOnlyList<ResolveLineRequest>?)Enumerable.Repeat(l, ResolveRequestValidator.MaxLines + 1).ToList())),
        (1, GenLine.Select(l => (IReadOnlyList<ResolveLineRequest>?)Enumerable.Repeat(l, ResolveRequestValidator.MaxLines).ToList())));

    private static readonly Gen<IReadOnlyList<string>?> GenCodes = Gen.Frequency(
        (3, Pick<IReadOnlyList<string>?>([null])),
        (6, GenCode.List[0, 3].Select(c => (IReadOnlyList<string>?)c.Select(x => x!).ToList())),
        (1, Pick<IReadOnlyList<string>?>(Enumerable.Range(0, ResolveRequestValidator.MaxCodes + 1).Select(i => $"code{i}").ToList())));

    private static readonly Gen<string?> GenCustomer = Mostly<string?>([null, "cust-1"], ["", " ", "Ann\u202E", new string('x', 100), new string('x', 101)]);

    private static readonly Gen<ResolveRequest> GenRequest = Gen.Select(GenCode, GenCode, GenCustomer, GenLines, GenCodes,
        (channel, facility, customer, lines, codes) => new ResolveRequest(channel, facility, customer, null, lines, codes));

    [Fact]
    public void The_fast_path_answers_as_the_rules_do()
    {
        var passed = 0;
        var refused = 0;
        GenRequest.Sample(request =>
        {
            var rules = Validator.Validate(request).IsValid;
            var fast = Validator.Passes(request);
            Assert.True(fast == rules, $"fast path {fast}, rules {rules}: {System.Text.Json.JsonSerializer.Serialize(request)}");
            if (rules)
            {
                passed++;
            }
            else
            {
                refused++;
            }
        }, iter: 5000);
        // The generator reaches both answers often, so the equality above is tested on each side.
        Assert.True(passed > 100 && refused > 100, $"passed {passed}, refused {refused}");
    }

    [Fact]
    public void A_null_line_is_left_to_the_rules()
    {
        var request = new ResolveRequest("web", null, null, null, [null!]);
        Assert.False(Validator.Passes(request));
    }

    [Fact]
    public void Only_a_resolve_request_passes()
    {
        Assert.False(Validator.Passes(new object()));
    }
}
