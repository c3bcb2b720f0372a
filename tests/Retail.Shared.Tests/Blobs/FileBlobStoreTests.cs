using Retail.Shared.Blobs;

namespace Retail.Shared.Tests.Blobs;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "retail-blob-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task bytes_put_are_read_back_and_deleting_twice_is_harmless()
    {
        var store = new FileBlobStore(_root);
        await store.PutAsync("acme/0193-record", new byte[] { 1, 2, 3 }, default);
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetAsync("acme/0193-record", default));

        await store.DeleteAsync("acme/0193-record", default);
        await store.DeleteAsync("acme/0193-record", default);
        Assert.Null(await store.GetAsync("acme/0193-record", default));
        Assert.Null(await store.GetAsync("nobody/nothing", default));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("acme/../../x")]
    [InlineData("/absolute")]
    [InlineData("Upper/Case")]
    public async Task keys_that_could_leave_the_root_are_refused(string key)
    {
        var store = new FileBlobStore(_root);
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new byte[] { 1 }, default));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
