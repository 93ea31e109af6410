#if !NET
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace System;

/// <summary>Members .NET Core added to existing BCL types, as extension members, for the netstandard2.0 builds.</summary>
internal static class BclExtensions
{
    extension(ArgumentNullException)
    {
        public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null) throw new ArgumentNullException(paramName);
        }
    }

    extension(ArgumentOutOfRangeException)
    {
        public static void ThrowIfNegative(int value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
        {
            if (value < 0) throw new ArgumentOutOfRangeException(paramName, value, "must not be negative");
        }
    }

    extension(Array)
    {
        public static void Fill<T>(T[] array, T value)
        {
            for (int i = 0; i < array.Length; i++) array[i] = value;
        }
    }

    extension(Enum)
    {
        public static TEnum Parse<TEnum>(string value, bool ignoreCase) where TEnum : struct => (TEnum)Enum.Parse(typeof(TEnum), value, ignoreCase);
    }

    extension(Math)
    {
        public static int Clamp(int value, int min, int max) => value < min ? min : value > max ? max : value;
        public static long Clamp(long value, long min, long max) => value < min ? min : value > max ? max : value;
        public static double Clamp(double value, double min, double max) => value < min ? min : value > max ? max : value;
    }

    extension(byte)
    {
        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out byte result) =>
            byte.TryParse(s.ToString(), style, provider, out result);
    }

    extension(int)
    {
        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out int result) =>
            int.TryParse(s.ToString(), style, provider, out result);
        public static int Parse(ReadOnlySpan<char> s, NumberStyles style = NumberStyles.Integer, IFormatProvider? provider = null) =>
            int.Parse(s.ToString(), style, provider);
    }

    extension(char)
    {
        public static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';
        public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';
        public static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetter(c) || char.IsAsciiDigit(c);
        public static bool IsAsciiHexDigit(char c) => char.IsAsciiDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';
    }

    extension(double)
    {
        public static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);
        public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;
        public static bool IsInteger(double d) => double.IsFinite(d) && Math.Floor(d) == d;
    }

    extension(RuntimeHelpers)
    {
        public static bool TryEnsureSufficientExecutionStack()
        {
            try { RuntimeHelpers.EnsureSufficientExecutionStack(); return true; }
            catch (InsufficientExecutionStackException) { return false; }
        }
    }

    extension(CharUnicodeInfo)
    {
        public static UnicodeCategory GetUnicodeCategory(int codePoint) =>
            CharUnicodeInfo.GetUnicodeCategory(char.ConvertFromUtf32(codePoint), 0);
    }

    extension(string)
    {
        public static string Join(char separator, IEnumerable<string> values) => string.Join(separator.ToString(), values);
        public static string Join(char separator, params string[] values) => string.Join(separator.ToString(), values);
        public static string Join(char separator, IEnumerable<object?> values) => string.Join(separator.ToString(), values);
    }

    public static bool StartsWith(this string s, char c) => s.Length > 0 && s[0] == c;
    public static bool EndsWith(this string s, char c) => s.Length > 0 && s[s.Length - 1] == c;
    public static bool Contains(this string s, char c) => s.IndexOf(c) >= 0;
    public static bool Contains(this string s, string value, StringComparison comparison) => s.IndexOf(value, comparison) >= 0;
    public static bool Contains(this string s, char c, StringComparison comparison) => s.IndexOf(c.ToString(), comparison) >= 0;
    public static int IndexOf(this string s, char c, StringComparison comparison) => s.IndexOf(c.ToString(), comparison);

    public static string Replace(this string s, string oldValue, string? newValue, StringComparison comparison)
    {
        if (comparison == StringComparison.Ordinal) return s.Replace(oldValue, newValue);
        var result = new StringBuilder();
        int at = 0;
        while (true)
        {
            int hit = s.IndexOf(oldValue, at, comparison);
            if (hit < 0) break;
            result.Append(s, at, hit - at).Append(newValue);
            at = hit + oldValue.Length;
        }
        return result.Append(s, at, s.Length - at).ToString();
    }

    public static string[] Split(this string s, string separator, StringSplitOptions options = StringSplitOptions.None) =>
        s.Split(new[] { separator }, options);
    public static string[] Split(this string s, char separator, StringSplitOptions options) => s.Split(new[] { separator }, options);
    public static string[] Split(this string s, char separator, int count, StringSplitOptions options = StringSplitOptions.None) =>
        s.Split(new[] { separator }, count, options);

    public static void CopyTo(this string s, Span<char> destination) => s.AsSpan().CopyTo(destination);

    public static StringBuilder Append(this StringBuilder builder, ReadOnlySpan<char> value)
    {
        foreach (var c in value) builder.Append(c);
        return builder;
    }

    public static string GetString(this Encoding encoding, ReadOnlySpan<byte> bytes) => encoding.GetString(bytes.ToArray());

    public static int GetByteCount(this Encoding encoding, ReadOnlySpan<char> chars) => encoding.GetByteCount(chars.ToArray());

    public static bool IsNormalized(this ReadOnlySpan<char> s, NormalizationForm form) => s.ToString().IsNormalized(form);

    public static int IndexOfAnyInRange(this ReadOnlySpan<char> s, char low, char high)
    {
        for (int i = 0; i < s.Length; i++)
            if (s[i] >= low && s[i] <= high) return i;
        return -1;
    }

    public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
    {
        key = pair.Key;
        value = pair.Value;
    }

    public static bool TryAdd<TKey, TValue>(this Dictionary<TKey, TValue> dictionary, TKey key, TValue value) where TKey : notnull
    {
        if (dictionary.ContainsKey(key)) return false;
        dictionary.Add(key, value);
        return true;
    }

    public static bool Remove<TKey, TValue>(this Dictionary<TKey, TValue> dictionary, TKey key, out TValue value) where TKey : notnull
    {
        if (!dictionary.TryGetValue(key, out value!)) return false;
        dictionary.Remove(key);
        return true;
    }

    public static TValue? GetValueOrDefault<TKey, TValue>(this IReadOnlyDictionary<TKey, TValue> dictionary, TKey key) where TKey : notnull =>
        dictionary.TryGetValue(key, out var value) ? value : default;

    public static TValue GetValueOrDefault<TKey, TValue>(this IReadOnlyDictionary<TKey, TValue> dictionary, TKey key, TValue fallback) where TKey : notnull =>
        dictionary.TryGetValue(key, out var value) ? value : fallback;
}
#endif
