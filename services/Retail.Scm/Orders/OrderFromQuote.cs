using Retail.Scm.Policies;
using Retail.Scm.Sources;
using Retail.Shared;
using Retail.Shared.Invocation;

namespace Retail.Scm.Orders;

/// <summary>
/// An order drafted (priced and taxed) without saving it: <c>/order/create</c> saves the draft; quotes and backorders
/// (Quotes/*) hold its prices, and an order can later be made from them unchanged.
/// </summary>
public sealed partial class OrderLifecycle
{
    /// <summary>
    /// What <c>/order/create</c> would make of <paramref name="request"/> (channel, lines resolved through PVM, ONE PPM
    /// resolve, tax from the tax policy), unsaved: the order in <c>created</c> with its guid and number, or the problem
    /// creating would answer.
    /// </summary>
    public async Task<(Order? Draft, ProblemHttpResult? Problem)> DraftAsync(CreateOrderRequest request, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var header = context.ChannelCode is null ? null : Codes.Normalize(context.ChannelCode);
        var named = request.ChannelCode is null ? null : Codes.Normalize(request.ChannelCode);
        if (named is not null && header is not null && named != header)
        {
            return (null, ApiProblem.Create(StatusCodes.Status400BadRequest, ProblemCodes.ContextMismatch, "Context mismatch.",
                "channel_code differs from x-channel-code."));
        }
        var channel = named ?? header;
        if (channel is null)
        {
            return (null, ApiProblem.Validation("channel_code", "is required (in the body or as x-channel-code)"));
        }
        if (await ContextProblemAsync(orgcode, new ContextCodes(null, channel, null), "channel_code", $"No active sales channel '{channel}' in this org.", ct)
            is { } noChannel)
        {
            return (null, noChannel);
        }
        var facility = request.FacilityCode is null ? null : Codes.Normalize(request.FacilityCode);
        if (facility is not null && await ContextProblemAsync(orgcode, new ContextCodes(facility, null, null), "facility_code",
                $"No active logical facility '{facility}' in this org.", ct) is { } noFacility)
        {
            return (null, noFacility);
        }
        var delivery = DeliveryOf(request.Delivery!);
        string jurisdiction;
        if (delivery.Method == DeliveryMethod.Pickup)
        {
            var (country, noPickup) = await PickupCountryAsync(orgcode, delivery.PickupFacilityCode!, ct);
            if (noPickup is not null)
            {
                return (null, noPickup);
            }
            jurisdiction = country!;
        }
        else
        {
            jurisdiction = TaxCodes.OfAddress(delivery.Address!.Country, delivery.Address.Region)!;
        }
        var (lines, badLine) = await ResolveLinesAsync(orgcode, request.Lines!, ct);
        if (badLine is not null)
        {
            return (null, badLine);
        }
        var customer = CustomerOf(request.Customer);
        PpmAnswer prices;
        try
        {
            prices = await sources.PricesAsync(orgcode, channel, facility, customer?.CustomerGuid,
                lines!.Select(l => (l.VariantGuid, l.Quantity, (string?)l.UomCode)).ToList(), ct,
                request.CampaignCode is null ? null : Codes.Normalize(request.CampaignCode));
        }
        catch (ServiceRefusedException refused)
        {
            return (null, ApiProblem.Create(refused.Status, refused.Code, "Pricing refused the lines.", refused.Detail, [new("source", "ppm")]));
        }
        var unpriced = prices.Lines.Where(p => !p.Priced).Select(p => new UnpricedLine(p.Index + 1, p.VariantGuid, p.Reason)).ToList();
        if (unpriced.Count > 0)
        {
            return (null, ScmProblems.Unpriced($"Line(s) {string.Join(", ", unpriced.Select(u => u.LineNo))} have no price in channel '{channel}'.",
                unpriced.Cast<object>().ToList()));
        }
        if (prices.Currency is null)
        {
            return (null, ApiProblem.Business("mixed_currencies", "The lines are priced in different currencies.",
                "An order has one currency; PPM priced its lines in several."));
        }
        var priced = lines!.Select((l, i) => PricedLine(l, prices.Lines.First(p => p.Index == i))).ToList();
        var now = clock.GetUtcNow();
        var quote = await taxes.QuoteAsync(orgcode, new TaxInput(prices.Currency, jurisdiction,
            priced.Select(l => new TaxLineInput(l.LineNo, l.VariantGuid, l.Quantity, l.NetMinor, StyleGuid: l.StyleGuid)).ToList(), now)
        {
            Holders = [.. new[] { customer?.CustomerGuid, customer?.AccountGuid }.OfType<string>()],
        }, ct);
        if (quote is null)
        {
            return (null, ScmProblems.NoTaxPolicy(jurisdiction));
        }
        var taxed = OrderRules.WithTax(priced, quote);
        if (taxed is null)
        {
            return (null, ScmProblems.NoTaxPolicy(jurisdiction));
        }
        var orderGuid = Ids.New();
        return (new Order
        {
            OrderGuid = orderGuid,
            OrderNumber = request.OrderNumber?.Trim() ?? OrderRules.NewOrderNumber(orderGuid, now),
            ChannelCode = channel,
            FacilityCode = facility,
            Customer = customer,
            Delivery = delivery,
            Currency = prices.Currency,
            Lines = taxed,
            Totals = OrderRules.TotalsOf(taxed, quote.Inclusive),
            TaxInclusive = quote.Inclusive,
            CampaignCode = request.CampaignCode is null ? null : Codes.Normalize(request.CampaignCode),
            Note = RequestRules.Trimmed(request.Note),
            CreatedBy = context.RequirePrincipal().Id,
        }, null);
    }

    /// <summary>
    /// A new order (guid, number) from lines already priced and taxed elsewhere (a quote, a backorder): the lines are
    /// renumbered from 1, open, without holds; totals are summed from them as they are (no re-pricing).
    /// </summary>
    public Order FromPricedLines(string channel, string? facility, CustomerRef? customer, Delivery delivery, string currency, bool taxInclusive,
        IReadOnlyList<OrderLine> lines, string source, string sourceGuid, string? orderNumber, string? note)
    {
        var orderGuid = Ids.New();
        var open = lines.Select((l, i) => l with
        {
            LineNo = i + 1, Status = OrderLineStatus.Open, Hold = null, FacilityCode = null, Shipped = 0, Delivered = 0, Returned = 0, CancelledQuantity = 0,
        }).ToList();
        return new Order
        {
            OrderGuid = orderGuid,
            OrderNumber = orderNumber ?? OrderRules.NewOrderNumber(orderGuid, clock.GetUtcNow()),
            ChannelCode = channel,
            FacilityCode = facility,
            Customer = customer,
            Delivery = delivery,
            Currency = currency,
            Lines = open,
            Totals = OrderRules.TotalsOf(open, taxInclusive),
            TaxInclusive = taxInclusive,
            Source = source,
            SourceGuid = sourceGuid,
            Note = note,
            CreatedBy = context.RequirePrincipal().Id,
        };
    }

    /// <summary>Whether <paramref name="channel"/> is an active sales channel of the org: null, or the problem to answer.</summary>
    public Task<ProblemHttpResult?> ChannelProblemAsync(string orgcode, string channel, CancellationToken ct) =>
        ContextProblemAsync(orgcode, new ContextCodes(null, channel, null), "channel_code", $"No active sales channel '{channel}' in this org.", ct);
}
