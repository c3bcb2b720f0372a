namespace Retail.Workflows.Embedded;

/// <summary>The workflow replayed into a different sequence of calls than its journal records.</summary>
public sealed class NonDeterministicWorkflowException : Exception
{
    public NonDeterministicWorkflowException()
    {
    }

    public NonDeterministicWorkflowException(string message) : base(message)
    {
    }

    public NonDeterministicWorkflowException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
