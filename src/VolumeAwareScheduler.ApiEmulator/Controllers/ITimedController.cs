namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// A simulated controller that also acts when time passes (delays, heartbeats, grace periods). The controller loop
/// calls <see cref="Tick"/> once <see cref="NextDue"/> has come, on the same thread as <see cref="IController.Handle"/>,
/// so its state needs no lock; it waits on the emulator's <see cref="TimeProvider"/>, so tests can drive it with fake time.
/// </summary>
internal interface ITimedController : IController
{
    /// <summary>When it next has work, or null for none.</summary>
    DateTimeOffset? NextDue { get; }

    /// <summary>Does the work due at or before <paramref name="now"/>.</summary>
    void Tick(DateTimeOffset now);
}
