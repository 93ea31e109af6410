namespace DeclarativeSft.Cli.Tests;
