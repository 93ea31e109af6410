#if !NET
namespace System.Numerics;

/// <summary>The two bit operations the pair-rank table sizes itself with.</summary>
internal static class BitOperations
{
    public static uint RoundUpToPowerOf2(uint value)
    {
        value--;
        value |= value >> 1;
        value |= value >> 2;
        value |= value >> 4;
        value |= value >> 8;
        value |= value >> 16;
        return value + 1;
    }

    public static int Log2(uint value)
    {
        int log = 0;
        while ((value >>= 1) != 0) log++;
        return log;
    }
}
#endif
