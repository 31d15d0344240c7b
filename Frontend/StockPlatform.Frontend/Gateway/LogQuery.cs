using System.Globalization;
using System.Text;

namespace StockPlatform.Frontend.Gateway;

/// <summary>
/// What <c>GET /logs</c> is asked for: an agent, a minimum level, a symbol, a time range and a
/// text, each left out when empty. <see cref="PageToken"/> continues a previous page (older lines).
/// </summary>
public sealed record LogQuery(
    string? Agent = null, string? Level = null, string? Symbol = null, string? Text = null,
    DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100, string? PageToken = null)
{
    /// <summary>The path and query string, with only the filters that are set (escaped, times in UTC).</summary>
    public string PathAndQuery
    {
        get
        {
            var query = new StringBuilder("/logs");
            var first = true;
            void Add(string name, string? value)
            {
                if (string.IsNullOrWhiteSpace(value)) return;
                query.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
                first = false;
            }
            Add("agent", Agent);
            Add("level", Level);
            Add("symbol", Symbol?.ToUpperInvariant());
            Add("since", Time(Since));
            Add("until", Time(Until));
            Add("q", Text);
            Add("limit", Limit.ToString(CultureInfo.InvariantCulture));
            Add("page_token", PageToken);
            return query.ToString();
        }
    }

    private static string? Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
