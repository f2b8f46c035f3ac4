using System.Text;
using System.Text.RegularExpressions;

namespace Tests.Images;

/// <summary>
/// A .dockerignore as Docker reads it: patterns in order (<c>*</c>, <c>?</c>, <c>**</c>), a leading <c>!</c>
/// re-includes, the last pattern matching a path or one of its parent directories decides.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Include)> _rules = [];

    private DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            bool include = line.StartsWith('!');
            var pattern = (include ? line[1..] : line).Trim().TrimStart('/').TrimEnd('/');
            _rules.Add((ToRegex(pattern), include));
        }
    }

    public static DockerIgnore Load(string path) => new(File.ReadAllLines(path));

    /// <summary>Whether <paramref name="relativePath"/> (forward slashes, from the context root) reaches the build.</summary>
    public bool IsIncluded(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var candidates = Prefixes(path).ToArray();
        bool included = true;
        foreach (var (pattern, include) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                included = include;
            }
        }
        return included;
    }

    /// <summary>The path and each of its parent directories: a pattern naming a directory excludes what is inside.</summary>
    private static IEnumerable<string> Prefixes(string path)
    {
        for (int slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
        yield return path;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of directories, including none.
                bool slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
