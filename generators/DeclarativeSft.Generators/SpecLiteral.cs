using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace DeclarativeSft.Generators;

/// <summary>
/// A spec value → the C# expression that rebuilds it: records as <c>new T(Name: …, …)</c> through their primary
/// constructor, with named arguments. Read off the record types themselves, so the emitter never lists the spec's
/// fields a second time: a new key of the recipe format reaches the generated program without an edit here (the
/// generator test compiles the literal and compares it with the parsed spec).
/// </summary>
internal static class SpecLiteral
{
    /// <summary>The expression for <paramref name="value"/> of declared type <paramref name="type"/>, its continuation
    /// lines indented by <paramref name="indent"/> levels of four spaces.</summary>
    public static string Of(object? value, Type type, int indent)
    {
        if (value is null) return "null";
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case string s: return RecipeEmitter.Str(s);
            case bool b: return b ? "true" : "false";
            case int i: return i.ToString(CultureInfo.InvariantCulture);
            case long l: return l.ToString(CultureInfo.InvariantCulture) + "L";
            case double d: return Double(d);
            case Enum e: return EnumValue(e);
        }
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition().Name.StartsWith("EquatableArray", StringComparison.Ordinal))
        {
            var element = underlying.GetGenericArguments()[0];
            var items = ((IEnumerable)value).Cast<object?>().Select(v => Of(v, element, indent + 1));
            return $"global::DeclarativeSft.Recipes.EquatableArray.Of<{TypeName(element)}>({string.Join(", ", items)})";
        }
        return Record(value, underlying, indent);
    }

    private static string Record(object value, Type type, int indent)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var pad = new string(' ', 4 * (indent + 1));
        var sb = new StringBuilder("new ").Append(TypeName(type)).Append('(');
        var parameters = constructor.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var property = type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{type.Name}.{p.Name}: a constructor parameter without its property");
            sb.Append('\n').Append(pad).Append(p.Name).Append(": ").Append(Of(property.GetValue(value), p.ParameterType, indent + 1));
            if (i < parameters.Length - 1) sb.Append(',');
        }
        return sb.Append(')').ToString();
    }

    private static string EnumValue(Enum e)
    {
        var type = e.GetType();
        string name = TypeName(type);
        if (Enum.IsDefined(type, e)) return $"{name}.{e}";
        if (type.GetCustomAttribute<FlagsAttribute>() is null)
            return $"({name}){Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}";
        long bits = Convert.ToInt64(e, CultureInfo.InvariantCulture);
        var parts = Enum.GetValues(type).Cast<Enum>()
            .Select(v => (Value: v, Bits: Convert.ToInt64(v, CultureInfo.InvariantCulture)))
            .Where(v => v.Bits != 0 && (v.Bits & (v.Bits - 1)) == 0 && (bits & v.Bits) == v.Bits)
            .Select(v => $"{name}.{v.Value}");
        return string.Join(" | ", parts);
    }

    private static string Double(double d)
    {
        if (double.IsNaN(d)) return "double.NaN";
        if (double.IsPositiveInfinity(d)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(d)) return "double.NegativeInfinity";
        return d.ToString("R", CultureInfo.InvariantCulture) + "d";
    }

    private static string TypeName(Type type) => type == typeof(string) ? "string" : type == typeof(int) ? "int" : type == typeof(double) ? "double"
        : "global::" + type.FullName!.Replace('+', '.');
}
