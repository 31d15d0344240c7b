using System.Collections.Concurrent;
using System.Net;

namespace StockPlatform.MarketData.Tests.Support;

/// <summary>Records the status of every response the client received, for one test's client only.</summary>
internal sealed class ResponseLog
{
    private readonly ConcurrentQueue<HttpStatusCode> _statuses = new();

    public IReadOnlyCollection<HttpStatusCode> Statuses => _statuses;

    public int Count(HttpStatusCode status) => _statuses.Count(s => s == status);

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(ResponseLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            log._statuses.Enqueue(response.StatusCode);
            return response;
        }
    }
}
