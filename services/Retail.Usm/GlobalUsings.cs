global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.Extensions.Options;
global using Retail.Shared.Contract;
global using Retail.Shared.Contract.Identity;
global using Retail.Shared.Problems;
global using Retail.Shared.Records;
global using Retail.Shared.Validation;
