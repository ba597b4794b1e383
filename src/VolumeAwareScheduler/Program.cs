using System.CommandLine;
using VolumeAwareScheduler.Cli;

return CommandLine.Run(args);
