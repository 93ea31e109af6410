namespace DeclarativeSft.Generators.Tests;
