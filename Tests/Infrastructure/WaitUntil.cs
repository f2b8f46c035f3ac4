namespace Tests.Infrastructure;

/// <summary>Waits on a condition with a deadline instead of sleeping a guessed time.</summary>
public static class WaitUntil
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until true; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or OrleansException or TimeoutException)
            {
                last = e;
            }
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.", last);
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits until the host behind <paramref name="client"/> says it is ready (an API learns the cluster's model after it starts).</summary>
    public static Task ReadyAsync(HttpClient client) =>
        TrueAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the host to be ready");
}
