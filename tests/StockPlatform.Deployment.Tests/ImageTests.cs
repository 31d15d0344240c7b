using System.Diagnostics;
using System.Text.Json;
using StockPlatform.Deployment.Tests.Support;
using Xunit.Abstractions;

namespace StockPlatform.Deployment.Tests;

/// <summary>
/// The services' container images, as far as they can be checked without a registry or Docker: the
/// SDK computes each image's configuration, and every service publishes for linux-x64 (what
/// <c>dotnet publish -t:PublishContainer</c> layers onto the ASP.NET base image).
/// </summary>
public class ImageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    private static readonly string[] Services = [.. AspireManifest.Load(AspireManifest.CommittedPath).Projects];

    /// <summary>Services that read or write the archive: DuckDB's native library and the data folder ship with them.</summary>
    private static readonly string[] WithArchive = ["features", "gateway"];

    [Fact]
    public async Task Every_service_describes_a_non_root_linux_x64_image_on_the_ASP_NET_base_image()
    {
        foreach (var service in Services)
        {
            // ComputeContainerConfig is what PublishContainer computes before it pulls the base image.
            var (exitCode, text) = await Repository.RunAsync("dotnet",
                ["msbuild", ProjectPath(service), "-nologo", "-t:ComputeContainerConfig", $"-p:Configuration={Repository.Configuration}", "-p:_IsPublishing=true",
                 "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository", "-getProperty:ContainerUser",
                 "-getProperty:ContainerRuntimeIdentifier", "-getProperty:RuntimeIdentifier", "-getProperty:ContainerWorkingDirectory", "-getItem:ContainerPort"],
                TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, $"{service}: {text}");
            using var config = JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..]);
            var properties = config.RootElement.GetProperty("Properties");

            Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble", properties.GetProperty("ContainerBaseImage").GetString());
            Assert.Equal($"stockplatform/{service}", properties.GetProperty("ContainerRepository").GetString());
            // The base image's app user, by uid: Kubernetes' runAsNonRoot can check a number, not a name.
            Assert.Equal("1654", properties.GetProperty("ContainerUser").GetString());
            Assert.Equal("linux-x64", properties.GetProperty("ContainerRuntimeIdentifier").GetString());
            Assert.Equal("linux-x64", properties.GetProperty("RuntimeIdentifier").GetString());
            Assert.Equal("/app/", properties.GetProperty("ContainerWorkingDirectory").GetString());
            var port = config.RootElement.GetProperty("Items").GetProperty("ContainerPort").EnumerateArray().Single();
            Assert.Equal((AspireManifest.ServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "tcp"),
                (port.GetProperty("Identity").GetString(), port.GetProperty("Type").GetString()));
        }
    }

    [Fact]
    public async Task Every_service_publishes_for_linux_x64_in_one_run_with_only_the_linux_x64_DuckDB_library()
    {
        // One MSBuild run over deploy/images.slnf builds the shared libraries once; dotnet publish
        // builds for linux-x64 by itself (the services set their RuntimeIdentifier when publishing).
        var stopwatch = Stopwatch.StartNew();
        var (exitCode, text) = await Repository.RunAsync("dotnet",
            ["publish", Repository.PathOf("deploy", "images.slnf"), "-c", Repository.Configuration, "-nologo", "-v", "q", "-nodeReuse:false"],
            PublishTimeout);
        output.WriteLine($"dotnet publish deploy/images.slnf: {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(exitCode == 0, text);

        foreach (var service in Services)
        {
            var project = ProjectPath(service);
            var assembly = Path.GetFileNameWithoutExtension(project);
            var publish = Path.Combine(Path.GetDirectoryName(project)!, "bin", Repository.Configuration, "net10.0", "linux-x64", "publish");

            Assert.True(File.Exists(Path.Combine(publish, assembly + ".dll")), $"{service}: no {assembly}.dll in {publish}");
            // The linux-x64 apphost is an ELF executable.
            var host = await File.ReadAllBytesAsync(Path.Combine(publish, assembly));
            Assert.Equal("\u007fELF"u8.ToArray(), host[..4]);
            Assert.False(Directory.Exists(Path.Combine(publish, "runtimes")), $"{service}: publish has a runtimes/ folder (other platforms' native libraries)");

            var duckDb = Path.Combine(publish, "libduckdb.so");
            var data = Path.Combine(publish, "data");
            if (WithArchive.Contains(service))
            {
                Assert.True(File.Exists(duckDb), $"{service}: libduckdb.so is missing");
                Assert.True(Directory.Exists(data) && !Directory.EnumerateFileSystemEntries(data).Any(), $"{service}: no empty data/ folder for the archive volume");
            }
            else
            {
                Assert.False(File.Exists(duckDb), $"{service} ships DuckDB without using it");
                Assert.False(Directory.Exists(data), $"{service} ships a data/ folder");
            }
        }
    }

    private static string ProjectPath(string service) =>
        Path.GetFullPath(Path.Combine(Repository.PathOf("deploy"), (string)AspireManifest.Load(AspireManifest.CommittedPath)[service]["path"]!));
}
