using FluentValidation;
using Retail.Shared;

namespace Retail.Ics.Stock;

/// <param name="FacilityCodes">The facilities that serve the caller (a sales channel's): their available stock is added up.</param>
/// <param name="VariantGuids">The variants asked about (1–100).</param>
public sealed record AvailabilityRequest(IReadOnlyList<string?>? FacilityCodes, IReadOnlyList<string?>? VariantGuids);

public sealed record VariantAvailability(string VariantGuid, long Available);

public sealed record AvailabilityAnswer(IReadOnlyList<VariantAvailability> Items);

public sealed class AvailabilityRequestValidator : AbstractValidator<AvailabilityRequest>
{
    public AvailabilityRequestValidator()
    {
        RuleFor(r => r.FacilityCodes).NotEmpty().Must(f => f!.Count <= 20).WithMessage("1–20 facilities");
        RuleForEach(r => r.FacilityCodes).BusinessCode();
        RuleFor(r => r.VariantGuids).NotEmpty().Must(v => v!.Count <= 100).WithMessage("1–100 variants");
        RuleForEach(r => r.VariantGuids).RequiredGuid();
    }
}

/// <summary>
/// Available quantities of many variants at a set of facilities in one read (a checkout asks once per change, for all its
/// lines): the positions are loaded by key together; a position that never existed counts zero.
/// </summary>
public static class AvailabilityApi
{
    public static IEndpointRouteBuilder MapAvailability(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/stock").WithTags("Stock").MapPost("/availability", Check).RequireRole(Role.Viewer)
            .WithSummary("Available quantity of up to 100 variants summed over up to 20 facilities, in one read.");
        return routes;
    }

    public static async Task<Ok<AvailabilityAnswer>> Check(AvailabilityRequest request, RecordStore<Position> positions, RequestContext context,
        CancellationToken ct)
    {
        var facilities = request.FacilityCodes!.Select(Codes.Normalize).Distinct(StringComparer.Ordinal).ToList();
        var variants = request.VariantGuids!.Select(StockRules.Guid).Distinct(StringComparer.Ordinal).ToList();
        var keys = variants.SelectMany(v => facilities.Select(f => Position.KeyOf(f, v))).ToList();
        var loaded = await positions.LoadManyAsync(context.RequireOrgcode(), keys, ct);
        var items = variants.Select(v => new VariantAvailability(v,
            facilities.Sum(f => loaded.TryGetValue(Position.KeyOf(f, v), out var p) ? p.Record.Available : 0))).ToList();
        return TypedResults.Ok(new AvailabilityAnswer(items));
    }
}
