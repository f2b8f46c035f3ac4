namespace LoadRunner.Options;

/// <summary>A command line the runner cannot run: the message says which option is wrong and why (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
