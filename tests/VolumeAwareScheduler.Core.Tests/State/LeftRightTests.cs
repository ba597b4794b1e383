using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Tests.State;

/// <summary>The store's two replicas: readers see whole generations, writes reach both replicas.</summary>
public class LeftRightTests
{
    /// <summary>A replica whose two halves a write changes one after the other: a reader inside a write would see them differ.</summary>
    private sealed class Pair
    {
        public long First;
        public long Second;
    }

    private static long Increment(Pair pair, long by)
    {
        pair.First += by;
        Thread.SpinWait(50); // widen the window in which a reader inside the write would see the halves differ
        pair.Second += by;
        return pair.First;
    }

    [Fact]
    public void A_write_reaches_both_replicas_and_returns_the_first_run_result()
    {
        var (a, b) = (new Pair(), new Pair());
        var store = new LeftRight<Pair>(a, b);

        var first = store.Write(5L, Increment);
        var second = store.Write(2L, Increment);

        Assert.Equal((5L, 7L), (first, second));
        Assert.Equal((7L, 7L), (a.First, a.Second));
        Assert.Equal((7L, 7L), (b.First, b.Second));
        Assert.Equal(2, store.Generation);
        Assert.Equal((7L, 2L), store.Read((pair, generation) => (pair.Second, generation)));
    }

    [Fact]
    public async Task Readers_running_beside_the_writer_never_see_half_a_write_nor_go_back_in_time()
    {
        const int Writes = 5_000;
        var store = new LeftRight<Pair>(new Pair(), new Pair());
        var torn = 0L;
        var backwards = 0L;
        var reads = 0L;
        using var done = new CancellationTokenSource();
        var readerCount = Math.Max(2, Environment.ProcessorCount);
        using var started = new CountdownEvent(readerCount);
        var readers = Enumerable.Range(0, readerCount).Select(_ => Task.Run(() =>
        {
            var last = 0L;
            started.Signal();
            while (!done.IsCancellationRequested)
            {
                var (first, second) = store.Read(0, static (pair, _) => (pair.First, pair.Second));
                if (first != second) Interlocked.Increment(ref torn);
                if (first < last) Interlocked.Increment(ref backwards);
                last = first;
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        // Every reader runs before the first write, and the writes go on until the readers have read many times
        // beside them: the overlap the test is about, however the machine schedules the threads.
        var written = await Task.Run(() =>
        {
            started.Wait();
            var writes = 0L;
            while (writes < Writes || Interlocked.Read(ref reads) < readerCount * 1_000L)
            {
                store.Write(1L, Increment);
                writes++;
            }
            return writes;
        });
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, Interlocked.Read(ref torn));
        Assert.Equal(0, Interlocked.Read(ref backwards));
        Assert.Equal((written, written), store.Read(0, static (pair, _) => (pair.First, pair.Second)));
    }

    [Fact]
    public void The_replicas_must_be_two_objects()
    {
        var one = new Pair();
        Assert.Throws<ArgumentException>(() => new LeftRight<Pair>(one, one));
    }
}
