using System.Security.Cryptography;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// Writes a partition file so that no reader ever sees half of it: under a temporary name that no
/// reader's glob matches, then renamed over the old file (atomic on one file system), with its
/// size and SHA-256 for the archive's index.
/// </summary>
internal static class ParquetFiles
{
    public static Task<WrittenPartition> WriteAtomicallyAsync(string path, Func<Stream, Task> write, int rows, DateTimeOffset? first, DateTimeOffset? last, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, async file =>
        {
            await write(file);
            return (rows, first, last);
        }, cancellationToken);

    /// <summary>
    /// The same for a writer that streams its rows and learns only at the end how many it wrote
    /// and the first and last instants among them.
    /// </summary>
    public static async Task<WrittenPartition> WriteAtomicallyAsync(string path, Func<Stream, Task<(int Rows, DateTimeOffset? First, DateTimeOffset? Last)>> write, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = ArchiveLayout.TemporaryFor(path);
        try
        {
            // The Parquet writer writes its footer when disposed: the file is closed before the rename.
            (int Rows, DateTimeOffset? First, DateTimeOffset? Last) content;
            await using (var file = File.Create(temporary))
            {
                content = await write(file);
            }
            var (bytes, sha256) = await HashAsync(temporary, cancellationToken);
            File.Move(temporary, path, overwrite: true);
            return new WrittenPartition(path, content.Rows, content.First, content.Last, bytes, sha256);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static async Task<(long Bytes, string Sha256)> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return (file.Length, Convert.ToHexStringLower(hash));
    }
}
