// Each test trains a model on a 2-core machine: running them one at a time is faster than letting them fight for cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DeclarativeSft.RecipePrograms.Tests;
