using System.Collections.Frozen;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// The CSIStorageCapacity objects of a class that may be visible from a node (<see cref="ClusterState.CapacitiesOn"/>):
/// those indexed under each of the node's labels, then those without an indexed label. A struct enumerable and its own enumerator, for <c>foreach</c>.
/// </summary>
public struct NodeCapacities(
    Dictionary<(string Class, string Key, string Value), List<CsiStorageCapacityInfo>> byLabel,
    Dictionary<string, List<CsiStorageCapacityInfo>> unindexed,
    string storageClassName,
    NodeInfo node)
{
    private FrozenDictionary<string, string>.Enumerator _labels = node.Labels.GetEnumerator();
    private List<CsiStorageCapacityInfo>? _list;
    private int _index;
    private bool _labelsDone;
    private bool _unindexedDone;

    public CsiStorageCapacityInfo Current { get; private set; } = null!;

    public readonly NodeCapacities GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_list is not null && _index < _list.Count)
            {
                Current = _list[_index++];
                return true;
            }
            _list = null;
            _index = 0;
            if (!_labelsDone)
            {
                if (_labels.MoveNext())
                {
                    var (key, value) = _labels.Current;
                    if (byLabel.TryGetValue((storageClassName, key, value), out var list)) _list = list;
                    continue;
                }
                _labelsDone = true;
            }
            if (_unindexedDone) return false;
            _unindexedDone = true;
            if (unindexed.TryGetValue(storageClassName, out var others)) _list = others;
        }
    }
}
