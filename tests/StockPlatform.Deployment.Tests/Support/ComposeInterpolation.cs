using System.Text;

namespace StockPlatform.Deployment.Tests.Support;

/// <summary>
/// Docker Compose's variable interpolation, as its specification defines it: <c>$VAR</c>,
/// <c>${VAR}</c>, <c>${VAR:-default}</c> and <c>${VAR-default}</c>, <c>${VAR:?error}</c> and
/// <c>${VAR?error}</c>, <c>${VAR:+alternative}</c> and <c>${VAR+alternative}</c>, and <c>$$</c>
/// for a literal dollar. Defaults may hold braces and further <c>${...}</c>. (No .NET package
/// implements it; compose itself cannot run here.)
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>The text with every variable replaced; a required variable that is missing throws, naming it.</summary>
    public static string Apply(string text, IReadOnlyDictionary<string, string> variables)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }
            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '{')
            {
                var close = ClosingBrace(text, i + 1);
                result.Append(Substitute(text[(i + 2)..close], variables));
                i = close;
            }
            else if (char.IsAsciiLetter(next) || next == '_')
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
                result.Append(variables.GetValueOrDefault(text[(i + 1)..end], string.Empty));
                i = end - 1;
            }
            else
            {
                result.Append('$');
            }
        }
        return result.ToString();
    }

    /// <summary>The names of the variables the text reads (for checking that an env file documents them all).</summary>
    public static IEnumerable<string> VariablesIn(string text)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Apply(text, new RecordingVariables(names));
        return names;
    }

    private static string Substitute(string expression, IReadOnlyDictionary<string, string> variables)
    {
        var nameLength = 0;
        while (nameLength < expression.Length && (char.IsAsciiLetterOrDigit(expression[nameLength]) || expression[nameLength] == '_')) nameLength++;
        var name = expression[..nameLength];
        var rest = expression[nameLength..];
        var isSet = variables.TryGetValue(name, out var value);
        var isNonEmpty = isSet && value!.Length > 0;

        if (rest.Length == 0) return value ?? string.Empty;
        var colon = rest[0] == ':';
        var op = colon ? rest[1] : rest[0];
        var argument = Apply(rest[(colon ? 2 : 1)..], variables);
        var present = colon ? isNonEmpty : isSet;
        return op switch
        {
            '-' => present ? value! : argument,
            '?' when present || variables is RecordingVariables => value ?? string.Empty,
            '?' => throw new InvalidOperationException($"required variable {name} is missing: {argument}"),
            '+' => present ? argument : string.Empty,
            _ => throw new FormatException($"unsupported interpolation ${{{expression}}}"),
        };
    }

    private static int ClosingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        throw new FormatException($"unclosed ${{ in: {text}");
    }

    /// <summary>Records every name looked up and says each is unset, so every default is walked too.</summary>
    private sealed class RecordingVariables(ISet<string> names) : IReadOnlyDictionary<string, string>
    {
        public bool TryGetValue(string key, out string value)
        {
            names.Add(key);
            value = string.Empty;
            return false;
        }

        public string this[string key] => throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => [];

        public IEnumerable<string> Values => [];

        public int Count => 0;

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Enumerable.Empty<KeyValuePair<string, string>>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
