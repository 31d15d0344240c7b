using StockPlatform.AppHost.Infrastructure;
using StockPlatform.Testing;

namespace StockPlatform.AppHost.Tests;

public class InfrastructureModeTests
{
    private static readonly ContainerRuntimeStatus Running = new(true, "docker is running");
    private static readonly ContainerRuntimeStatus NoDaemon = new(false, "'docker container ls' failed (Cannot connect to the Docker daemon)");

    [Theory]
    [InlineData(null, true, InfrastructureMode.Containers)]
    [InlineData("", true, InfrastructureMode.Containers)]
    [InlineData(null, false, InfrastructureMode.Local)]
    [InlineData("local", true, InfrastructureMode.Local)]
    [InlineData("LOCAL", false, InfrastructureMode.Local)]
    [InlineData("external", false, InfrastructureMode.External)]
    [InlineData("containers", true, InfrastructureMode.Containers)]
    public void The_mode_is_the_setting_or_else_containers_only_when_a_runtime_answers(string? setting, bool runtimeHealthy, InfrastructureMode expected)
    {
        Assert.Equal(expected, InfrastructureModeResolver.Resolve(setting, () => runtimeHealthy ? Running : NoDaemon));
    }

    [Fact]
    public void Asking_for_containers_without_a_running_runtime_fails_with_the_reason_and_the_local_mode()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfrastructureModeResolver.Resolve("containers", () => NoDaemon));

        Assert.Contains("Cannot connect to the Docker daemon", error.Message);
        Assert.Contains("Infrastructure=local", error.Message);
    }

    [Fact]
    public void The_runtime_is_not_probed_when_the_mode_does_not_need_it()
    {
        var probes = 0;
        InfrastructureModeResolver.Resolve("local", () => { probes++; return NoDaemon; });
        InfrastructureModeResolver.Resolve("external", () => { probes++; return NoDaemon; });

        Assert.Equal(0, probes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("containers")]
    public void Publishing_a_manifest_describes_containers_without_asking_for_a_runtime(string? setting)
    {
        var probes = 0;

        var mode = InfrastructureModeResolver.Resolve(setting, () => { probes++; return NoDaemon; }, publishing: true);

        Assert.Equal(InfrastructureMode.Containers, mode);
        Assert.Equal(0, probes);
    }

    [Fact]
    public void Publishing_keeps_a_mode_that_is_asked_for()
    {
        Assert.Equal(InfrastructureMode.External, InfrastructureModeResolver.Resolve("external", () => NoDaemon, publishing: true));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("kubernetes")]
    [InlineData("3")]
    public void An_unknown_mode_is_refused_naming_the_three(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfrastructureModeResolver.Resolve(setting, () => Running));

        Assert.Contains($"'{setting}'", error.Message);
        Assert.Contains("containers, local or external", error.Message);
    }

    /// <summary>
    /// Keys given to an AppHost process so it does not generate them into the user secrets it shares
    /// with every other AppHost on the machine (a running one, or the platform the other tests start).
    /// </summary>
    private static readonly Dictionary<string, string> OwnKeys = new()
    {
        ["AppHost__DashboardApiKey"] = Guid.NewGuid().ToString("N"),
        ["AppHost__OtlpApiKey"] = Guid.NewGuid().ToString("N"),
    };

    [Fact]
    public async Task The_AppHost_in_containers_mode_without_a_container_engine_exits_at_once_naming_the_local_mode()
    {
        // A docker client whose engine is not running, as on this project's build machines.
        var bin = Directory.CreateTempSubdirectory("fake-docker-").FullName;
        try
        {
            var docker = Path.Combine(bin, "docker");
            await File.WriteAllTextAsync(docker, "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1\n");
            File.SetUnixFileMode(docker, (UnixFileMode)0b111_101_101);

            var started = DateTime.UtcNow;
            await using var appHost = ServiceProcess.Start("AppHost", "StockPlatform.AppHost", new Dictionary<string, string>(OwnKeys)
            {
                ["Infrastructure"] = "containers",
                ["ASPIRE_CONTAINER_RUNTIME"] = "docker",
                ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["STOCKPLATFORM_DATA_DIR"] = bin,
            });
            var exitCode = await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, exitCode);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "it should fail at start, not after a wait");
            var output = appHost.Tail(100);
            Assert.Contains("Infrastructure=containers needs a running container runtime", output);
            Assert.Contains("Cannot connect to the Docker daemon", output);
            Assert.Contains("Infrastructure=local", output);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public async Task The_AppHost_in_external_mode_without_connection_strings_exits_at_once_naming_the_setting()
    {
        var data = Directory.CreateTempSubdirectory("external-").FullName;
        try
        {
            await using var appHost = ServiceProcess.Start("AppHost", "StockPlatform.AppHost", new Dictionary<string, string>(OwnKeys)
            {
                ["Infrastructure"] = "external",
                ["STOCKPLATFORM_DATA_DIR"] = data,
                // The test run's own servers are in the environment; external mode must not take them silently.
                ["ConnectionStrings__stockplatform"] = "",
                ["ConnectionStrings__messaging"] = "",
            });

            Assert.NotEqual(0, await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Infrastructure=external needs ConnectionStrings__stockplatform", appHost.Tail(100));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
