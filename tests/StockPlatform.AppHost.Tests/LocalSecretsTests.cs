using StockPlatform.AppHost.Infrastructure;

namespace StockPlatform.AppHost.Tests;

public class LocalSecretsTests
{
    [Fact]
    public void Passwords_are_generated_once_kept_private_and_read_back_unchanged()
    {
        var data = Directory.CreateTempSubdirectory("secrets-").FullName;
        try
        {
            var first = LocalSecrets.LoadOrCreate(data);
            var again = LocalSecrets.LoadOrCreate(data);

            Assert.Matches("^[0-9a-f]{32}$", first.PostgresPassword);
            Assert.Matches("^[0-9a-f]{32}$", first.RabbitMqPassword);
            Assert.NotEqual(first.PostgresPassword, first.RabbitMqPassword);
            Assert.Equal(first.PostgresPassword, again.PostgresPassword);
            Assert.Equal(first.RabbitMqPassword, again.RabbitMqPassword);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, LocalSecrets.FileName)));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void A_file_from_an_earlier_version_keeps_its_passwords_and_gains_the_missing_one()
    {
        var data = Directory.CreateTempSubdirectory("secrets-").FullName;
        try
        {
            var path = Path.Combine(data, LocalSecrets.FileName);
            File.WriteAllLines(path, ["PG_PASSWORD=kept-from-before", "MARKETSIM_SECRET=other"]);

            var secrets = LocalSecrets.LoadOrCreate(data);

            Assert.Equal("kept-from-before", secrets.PostgresPassword);
            Assert.Matches("^[0-9a-f]{32}$", secrets.RabbitMqPassword);
            Assert.Contains("MARKETSIM_SECRET=other", File.ReadAllLines(path));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
