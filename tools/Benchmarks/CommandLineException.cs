namespace Benchmarks;

/// <summary>The command line cannot be understood; the message says which option and why.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
