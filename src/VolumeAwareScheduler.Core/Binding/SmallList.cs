using System.Runtime.CompilerServices;

namespace VolumeAwareScheduler.Core.Binding;

/// <summary>
/// A list that holds its first four items inline (on the stack, for a local) and the rest in a heap list: a pod's
/// claims, matched per node by FindPodVolumes, rarely number more than four, so the per-node lists cost nothing.
/// A mutable struct: pass it by <c>ref</c>.
/// </summary>
internal struct SmallList<T> where T : class
{
    private Inline _inline;
    private List<T>? _more;

    public int Count { get; private set; }

    public readonly T this[int index] => index < 4 ? _inline[index]! : _more![index - 4];

    public void Add(T item)
    {
        if (Count < 4) _inline[Count] = item;
        else (_more ??= []).Add(item);
        Count++;
    }

    [InlineArray(4)]
    private struct Inline
    {
        private T? _element;
    }
}
