using System.Text.RegularExpressions;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Blobs;

/// <summary>
/// Opaque bytes by key: files under <c>{DataDir}/blobs</c> in the single-process host, a Dapr output binding
/// (local storage in development, S3 or Azure Blob in production) beside a sidecar.
/// Keys are relative paths of safe segments ("{orgcode}/{record_guid}").
/// </summary>
public interface IBlobStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>The bytes, or null when nothing is stored under the key.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the bytes; removing what is not there is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

public static partial class BlobKeys
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static string Check(string key) =>
        Pattern().IsMatch(key) ? key : throw new ArgumentException("a blob key is lower-case segments separated by '/'", nameof(key));
}

/// <summary>A blob store that can list its keys under a prefix (the files of the host; not every Dapr binding can).</summary>
public interface IBlobListing
{
    /// <summary>Up to <paramref name="limit"/> keys under <paramref name="prefix"/> (a first segment: "acme/"), in key order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, string? after, int limit, CancellationToken cancellationToken);

    Task<long> CountAsync(string prefix, CancellationToken cancellationToken);
}

public sealed class FileBlobStore(string root) : IBlobStore, IBlobListing
{
    public Task<IReadOnlyList<string>> ListAsync(string prefix, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(KeysUnder(prefix).Where(k => after is null || string.CompareOrdinal(k, after) > 0).Take(limit).ToList());

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken) => Task.FromResult((long)KeysUnder(prefix).Count());

    // Blobs are files "{key}.bin" under the root; half-written ".tmp" files are not blobs.
    private IEnumerable<string> KeysUnder(string prefix)
    {
        var folder = Path.Combine(root, BlobKeys.Check(prefix.TrimEnd('/')).Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return Directory.EnumerateFiles(folder, "*.bin", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)[..^".bin".Length].Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write aside and move, so a reader never sees half a blob.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes.ToArray(), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key) => Path.Combine(root, BlobKeys.Check(key).Replace('/', Path.DirectorySeparatorChar) + ".bin");
}

/// <summary>A Dapr output binding with create/get/delete and a <c>fileName</c> (local storage) or <c>key</c> (S3, Azure Blob) metadata.</summary>
public sealed class DaprBlobStore(DaprClient dapr, string bindingName) : IBlobStore
{
    public Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        dapr.InvokeBindingAsync(new BindingRequest(bindingName, "create") { Data = bytes, Metadata = { ["fileName"] = Name(key), ["key"] = Name(key), ["blobName"] = Name(key) } },
            cancellationToken);

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dapr.InvokeBindingAsync(
                new BindingRequest(bindingName, "get") { Metadata = { ["fileName"] = Name(key), ["key"] = Name(key), ["blobName"] = Name(key) } },
                cancellationToken);
            return response.Data.ToArray();
        }
        catch (DaprException ex) when (IsNotFound(ex))
        {
            return null;
        }
    }

    // Flat object names ("{orgcode}.{record_guid}"): local storage does not create sub-folders.
    private static string Name(string key) => BlobKeys.Check(key).Replace('/', '.');

    // Each binding words a missing object its own way (local storage: "no such file", S3: NoSuchKey, Azure: BlobNotFound).
    private static bool IsNotFound(Exception ex)
    {
        var text = ex.ToString();
        return text.Contains("no such file", StringComparison.OrdinalIgnoreCase) || text.Contains("NoSuchKey", StringComparison.Ordinal)
            || text.Contains("BlobNotFound", StringComparison.Ordinal) || text.Contains("not found", StringComparison.OrdinalIgnoreCase);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        dapr.InvokeBindingAsync(new BindingRequest(bindingName, "delete") { Metadata = { ["fileName"] = Name(key), ["key"] = Name(key), ["blobName"] = Name(key) } },
            cancellationToken);
}

public static class BlobStoreRegistration
{
    /// <summary>The blob store of the configured mode: files under <c>{DataDir}/blobs</c>, or the named Dapr binding.</summary>
    public static IServiceCollection AddBlobStore(this IServiceCollection services, RetailOptions options, string bindingName) =>
        options.Mode == RuntimeMode.Dapr
            ? services.AddSingleton<IBlobStore>(sp => new DaprBlobStore(sp.GetRequiredService<DaprClient>(), bindingName))
            : services.AddSingleton<IBlobStore>(_ => new FileBlobStore(Path.Combine(options.FullDataDir, "blobs")));
}
