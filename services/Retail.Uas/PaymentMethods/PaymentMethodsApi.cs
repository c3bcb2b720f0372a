using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Shared;
using Retail.Shared.Contract;
using Retail.Shared.Problems;
using Retail.Shared.Records;
using Retail.Shared.State;
using Retail.Uas.Users;

namespace Retail.Uas.PaymentMethods;

public static class PaymentMethodsApi
{
    public static RouteGroupBuilder MapPaymentMethods(this IEndpointRouteBuilder routes)
    {
        var methods = routes.MapGroup("/payment-method").WithTags("Payment methods").RequireAuthenticated();
        methods.MapPost("/add", AddPaymentMethod).AsWrite()
            .WithSummary("Register a provider's payment-method token (never card data) for a verified user.");
        methods.MapPost("/list", ListPaymentMethods)
            .WithSummary("A user's payment methods, each saying whether it is the primary.");
        methods.MapPost("/remove", RemovePaymentMethod).AsWrite()
            .WithSummary("Remove (doom) a payment method; the next one becomes primary if it was.");
        methods.MapPost("/priority/set", SetPrimaryPaymentMethod).AsWrite()
            .WithSummary("Make a payment method the primary one.");
        return methods;
    }

    public static async Task<Results<Created<PaymentMethodResponse>, ProblemHttpResult>> AddPaymentMethod(AddPaymentMethodRequest request,
        RecordStore<User> users, RecordStore<PaymentMethod> methods, RequestContext context, CancellationToken ct)
    {
        if (await OwnerProblemAsync(request.UserGuid, users, context, ct) is { } ownerProblem)
        {
            return ownerProblem;
        }
        var userGuid = UserAccess.SubjectOf(context.Principal, request.UserGuid)!;
        if (CardDataField(request) is { } field)
        {
            return UasProblems.RawCardData(field);
        }
        var method = new PaymentMethod
        {
            PaymentMethodGuid = Ids.New(),
            UserGuid = userGuid,
            Provider = request.Provider!.Trim().ToLowerInvariant(),
            Token = request.Token!,
            Brand = request.Brand!.Trim().ToLowerInvariant(),
            Last4 = request.Last4!,
            ExpMonth = request.ExpMonth!.Value,
            ExpYear = request.ExpYear!.Value,
            Label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim(),
        };
        var write = await methods.CreateAsync(null, method,
            [new DomainEvent(UasEvents.PaymentMethodAdded,
                new PaymentMethodAdded(method.UserGuid, method.PaymentMethodGuid, method.Provider, method.Brand, method.Last4))], ct);
        if (write.Outcome == RecordWriteOutcome.Duplicate)
        {
            return ApiProblem.Duplicate("This payment method is already registered.");
        }
        var all = await LoadAllAsync(methods, method.UserGuid, includeDoomed: false, ct);
        var created = write.Record!;
        return TypedResults.Created((string?)null, PaymentMethodResponse.From(created, PrimaryRule.PrimaryOf(all) == created.PaymentMethodGuid));
    }

    public static async Task<Results<Ok<PaymentMethodListResponse>, ProblemHttpResult>> ListPaymentMethods(ListPaymentMethodsRequest request,
        RecordStore<User> users, RecordStore<PaymentMethod> methods, RequestContext context, CancellationToken ct)
    {
        if (await OwnerProblemAsync(request.UserGuid, users, context, ct) is { } ownerProblem)
        {
            return ownerProblem;
        }
        var userGuid = UserAccess.SubjectOf(context.Principal, request.UserGuid)!;
        var all = await LoadAllAsync(methods, userGuid, request.IncludeDoomed ?? false, ct);
        var primary = PrimaryRule.PrimaryOf(all);
        var limit = Paging.LimitOf(request);
        // Ordered by key (UUIDv7, so by creation); the token is the last key served, never an offset.
        var after = all.Where(m => request.NextToken is null || string.CompareOrdinal(m.PaymentMethodGuid, request.NextToken) > 0).ToList();
        var page = after.Take(limit).ToList();
        var next = after.Count > limit ? page[^1].PaymentMethodGuid : null;
        return TypedResults.Ok(new PaymentMethodListResponse(
            page.Select(m => PaymentMethodResponse.From(m, m.PaymentMethodGuid == primary)).ToList(), next));
    }

    public static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> RemovePaymentMethod(RemovePaymentMethodRequest request,
        RecordStore<User> users, RecordStore<PaymentMethod> methods, RequestContext context, CancellationToken ct)
    {
        if (await OwnerProblemAsync(request.UserGuid, users, context, ct) is { } ownerProblem)
        {
            return ownerProblem;
        }
        var userGuid = UserAccess.SubjectOf(context.Principal, request.UserGuid)!;
        var (loaded, problem) = await methods.LoadForChangeAsync(null, request.PaymentMethodGuid, request.ExpectedRevision,
            m => m.UserGuid == userGuid, ct);
        if (problem is not null)
        {
            return problem;
        }
        var method = loaded!.Record;
        var write = await methods.DoomAsync(null, loaded,
            [new DomainEvent(UasEvents.PaymentMethodRemoved, new PaymentMethodRemoved(method.UserGuid, method.PaymentMethodGuid, method.Provider))], ct);
        return write.Succeeded ? TypedResults.Ok(PaymentMethodResponse.From(write.Record!, isPrimary: false)) : write.Problem();
    }

    public static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> SetPrimaryPaymentMethod(SetPrimaryPaymentMethodRequest request,
        RecordStore<User> users, RecordStore<PaymentMethod> methods, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        if (await OwnerProblemAsync(request.UserGuid, users, context, ct) is { } ownerProblem)
        {
            return ownerProblem;
        }
        var userGuid = UserAccess.SubjectOf(context.Principal, request.UserGuid)!;
        var (current, problem) = await methods.LoadForChangeAsync(null, request.PaymentMethodGuid, request.ExpectedRevision,
            m => m.UserGuid == userGuid, ct);
        if (problem is not null)
        {
            return problem;
        }
        var write = await methods.UpdateAsync(null, current!, current!.Record with { PrimarySince = clock.GetUtcNow() }, ct: ct);
        return write.Succeeded ? TypedResults.Ok(PaymentMethodResponse.From(write.Record!, isPrimary: true)) : write.Problem();
    }

    /// <summary>The field holding something that looks like a card number, if any.</summary>
    public static string? CardDataField(AddPaymentMethodRequest request) =>
        new (string Field, string? Value)[] { ("token", request.Token), ("label", request.Label), ("brand", request.Brand), ("provider", request.Provider) }
            .FirstOrDefault(f => CardNumberDetector.ContainsCardNumber(f.Value)).Field;

    /// <summary>
    /// Null when the caller may act on the user's payment methods (the named user, or the signed-in user when none is
    /// named); a user acting on another user sees 404, like a missing one.
    /// </summary>
    private static async Task<ProblemHttpResult?> OwnerProblemAsync(string? named, RecordStore<User> users, RequestContext context, CancellationToken ct)
    {
        if (UserAccess.SubjectOf(context.Principal, named) is not { } userGuid)
        {
            return UserAccess.SubjectRequired();
        }
        if (!UserAccess.MayActOn(context.Principal, userGuid))
        {
            return ApiProblem.NotFound("No such user.");
        }
        var user = await users.GetAsync(null, userGuid, ct: ct);
        if (user is null)
        {
            return ApiProblem.NotFound("No such user.");
        }
        return user.Record.Status == UserStatus.Verified ? null : UasProblems.NotVerified();
    }

    private static async Task<List<PaymentMethod>> LoadAllAsync(RecordStore<PaymentMethod> methods, string userGuid, bool includeDoomed, CancellationToken ct)
    {
        var all = new List<PaymentMethod>();
        string? token = null;
        do
        {
            var page = await methods.ListAsync(null, [StateFilter.Eq("user_guid", userGuid)], Paging.MaxLimit, token, includeDoomed, ct: ct);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all.OrderBy(m => m.PaymentMethodGuid, StringComparer.Ordinal).ToList();
    }
}
