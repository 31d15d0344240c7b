// The local infrastructure runs bash, PostgreSQL and RabbitMQ as Unix users: these tests are Linux (and macOS) only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
