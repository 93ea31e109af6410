using System.Runtime.CompilerServices;

namespace DeclarativeSft.Data.Quality;

/// <summary>The dataset checks run once per build over every example, so their loops would spend the whole pass in
/// unoptimised first-tier code: they are compiled fully optimised at once. (MethodImplOptions.AggressiveOptimization
/// is 512; netstandard2.0 lacks the name but the runtime that loads the generator honours the value.)</summary>
internal static class HotLoop
{
    public const MethodImplOptions FullyOptimized = (MethodImplOptions)512;
}
