using VolumeAwareScheduler.LoadTests.Harness;

return ScenarioRegistry.Run(args, Console.Out, Console.Error);
