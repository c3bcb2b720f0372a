namespace Retail.Ucp;

/// <summary>UCP's own stable error codes. Listed in README.md. Add yours here (merge conflicts: keep both sides).</summary>
public static class UcpProblems
{
}
