global using Microsoft.AspNetCore.Http.HttpResults;
global using Retail.Shared.Contract;
global using Retail.Shared.Hosting;
global using Retail.Shared.Problems;
global using Retail.Shared.Records;
global using Retail.Shared.State;
global using Retail.Shared.Validation;
