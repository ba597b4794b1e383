namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// A PreFilter plugin's promise about its own Filter in this cycle: every node of <see cref="CycleState.Nodes"/> not in
/// <see cref="Indices"/> fails it. Unlike a <see cref="PreFilterResult"/>, which upstream reports as "node(s) didn't
/// satisfy plugin(s) [...]" for the nodes it leaves out, this changes no answer: the framework filters the candidates
/// and gives each other node, when someone reads it, the status the filter chain would have given it (the first failing
/// plugin in profile order, with its own reasons). It only saves the work on nodes that cannot pass.
/// </summary>
/// <param name="plugin">The plugin that made the promise.</param>
/// <param name="indices">Positions in <see cref="CycleState.Nodes"/>, ascending; the first <paramref name="count"/> hold.</param>
/// <param name="count">How many candidates.</param>
/// <param name="sharedRejection">
/// The status the plugin's Filter gives every other node, when it is one and the same (null: it differs per node, and
/// the framework runs the filter chain for a node when its status is read).
/// </param>
public sealed class CandidateNodes(string plugin, int[] indices, int count, Status? sharedRejection)
{
    public string Plugin { get; } = plugin;

    /// <summary>The candidates' positions in <see cref="CycleState.Nodes"/>, ascending (the first <see cref="Count"/>).</summary>
    public int[] Indices { get; } = indices;

    public int Count { get; } = count;

    public Status? SharedRejection { get; } = sharedRejection;

    /// <summary>Whether the node at <paramref name="nodeIndex"/> of the cycle is a candidate.</summary>
    public bool Contains(int nodeIndex) => Array.BinarySearch(Indices, 0, Count, nodeIndex) >= 0;
}
