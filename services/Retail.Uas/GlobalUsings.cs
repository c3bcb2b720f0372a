global using Microsoft.Extensions.Options;
global using Retail.Shared.Validation;
