using System.Security.Cryptography;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// Writes a partition file so that no reader ever sees half of it: under a temporary name that no
/// reader's glob matches, then renamed over the old file (atomic on one file system), with its
/// size and SHA-256 for the archive's index.
/// </summary>
internal static class ParquetFiles
{
    public static async Task<WrittenPartition> WriteAtomicallyAsync(string path, Func<Stream, Task> write, int rows, DateTimeOffset? first, DateTimeOffset? last, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = ArchiveLayout.TemporaryFor(path);
        try
        {
            // The Parquet writer writes its footer when disposed: the file is closed before the rename.
            await using (var file = File.Create(temporary))
            {
                await write(file);
            }
            var (bytes, sha256) = await HashAsync(temporary, cancellationToken);
            File.Move(temporary, path, overwrite: true);
            return new WrittenPartition(path, rows, first, last, bytes, sha256);
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
