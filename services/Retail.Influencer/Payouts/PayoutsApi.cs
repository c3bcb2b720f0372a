namespace Retail.Influencer.Payouts;

/// <summary><c>/payout/submit</c>: pay a profile's available earnings once, through the payout provider.</summary>
public static class PayoutsApi
{
    public static RouteGroupBuilder MapPayoutsApi(this IEndpointRouteBuilder routes)
    {
        var payouts = routes.MapGroup("/payout").WithTags("Payouts");
        payouts.MapPost("/submit", Submit).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Pay the profile's available earnings (clawbacks netted) once: 201 paid; 200 answering a payout already in flight; 422 payout_not_ready (reasons) or payout_declined (earnings available again); 409 nothing_to_pay; 503 payout_provider_unavailable (retry: paid once).");
        return payouts;
    }

    public static async Task<Results<Created<Payout>, Ok<Payout>, ProblemHttpResult>> Submit(PayoutSubmitRequest request, PayoutSubmissions submissions,
        RequestContext context, CancellationToken ct)
    {
        var result = await submissions.SubmitAsync(context.RequireOrgcode(), request.ProfileGuid!.Trim().ToLowerInvariant(),
            context.Principal?.Id ?? "system", ct);
        if (result.Problem is { } problem)
        {
            return problem;
        }
        return result.Created ? TypedResults.Created((string?)null, result.Payout!) : TypedResults.Ok(result.Payout!);
    }
}
