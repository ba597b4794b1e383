using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// One column of server-side printing: its name, its priority (0 shown always, 1 only with <c>-o wide</c>) and how a
/// row's cell is computed from the object and the current time.
/// </summary>
internal sealed record TableColumn(string Name, int Priority, Func<JsonObject, DateTimeOffset, string> Cell, string Description = "");
