using System.CommandLine;
using System.CommandLine.Parsing;

namespace Tools.Shared;

/// <summary>
/// How the command-line tools answer a bad command line: each error, then the help of the command it belongs to
/// (as <c>COMMAND --help</c> prints it), on standard error. Linked into each tool (one source, no shared assembly).
/// </summary>
internal static class CommandLineErrors
{
    /// <param name="root">A fresh root command of the tool (the one whose parse failed may not be reused).</param>
    public static void Write(RootCommand root, CommandResult command, IEnumerable<string> messages, TextWriter error)
    {
        foreach (string message in messages)
        {
            error.WriteLine($"error: {message}");
        }
        error.WriteLine();
        var path = new List<string> { "--help" };
        for (var result = command; result.Parent is CommandResult parent; result = parent)
        {
            path.Insert(0, result.Command.Name);
        }
        root.Parse(path).Invoke(new InvocationConfiguration { Output = error });
    }
}
