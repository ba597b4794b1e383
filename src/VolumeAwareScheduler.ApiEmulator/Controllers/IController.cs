using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>A simulated controller: reacts to one change at a time from the store's feed, on the controller loop's thread.</summary>
internal interface IController
{
    string Name { get; }

    void Handle(StoreEvent change);
}
