namespace StockPlatform.AppHost.Infrastructure;

/// <summary>
/// The database and the bus, whichever mode provides them: each service references the two
/// connection strings (<c>ConnectionStrings__stockplatform</c>, <c>ConnectionStrings__messaging</c>)
/// and waits until the servers behind them are healthy.
/// </summary>
public sealed record PlatformInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    IReadOnlyList<IResourceBuilder<IResource>> Servers);

/// <summary>Hands the infrastructure to a service.</summary>
public static class PlatformInfrastructureExtensions
{
    /// <summary>
    /// References the database and the bus, and waits for the servers (a reference alone does not wait).
    /// Only the connection strings are passed: the services read nothing else, and each extra variable
    /// (host, port, password, URI, JDBC form) would be one more copy of a secret for every deployment.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithInfrastructure(this IResourceBuilder<ProjectResource> service, PlatformInfrastructure infrastructure)
    {
        service.WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging);
        foreach (var server in infrastructure.Servers) service.WaitFor(server);
        return service;
    }
}
