namespace StockPlatform.AppHost.Tests.Support;

/// <summary>
/// Turns a gateway 5xx into an exception that says what the gateway said and logged: the bare
/// status that <c>GetStringAsync</c> throws is all a CI log would otherwise show.
/// </summary>
internal sealed class ServerErrorDetails(Func<string> gatewayLog) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode < 500) return response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        response.Dispose();
        throw new HttpRequestException(
            $"{request.Method} {request.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {body}\ngateway errors:\n{gatewayLog()}",
            null, response.StatusCode);
    }
}
