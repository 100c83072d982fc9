using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// Whether two definitions would be written as the same JSON, found without writing them: the serializer's own
/// metadata names the properties that are written (source locations and other [JsonIgnore] properties are not),
/// objects are compared property by property, lists item by item, and values (numbers, text, enums, addresses)
/// with Equals. A reload of a 10,000-service file compares every virtual server: serializing both sides cost more
/// than reading the file. Each class's comparison is compiled once (no boxing of its values); a type the metadata
/// does not describe as an object, a list or a value is compared by its JSON.
/// </summary>
internal sealed class DefinitionEquality(JsonSerializerOptions options)
{
    private static readonly MethodInfo SameMethod = typeof(DefinitionEquality).GetMethod(nameof(Same))!;
    private static readonly MethodInfo ObjectEquals = typeof(object).GetMethod(nameof(Equals), [typeof(object), typeof(object)])!;

    private readonly ConcurrentDictionary<Type, Func<object, object, bool>> _objects = new();

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/>, declared as <paramref name="declared"/> (JSON writes a list the same whatever its class), write the same JSON.</summary>
    public bool Same(object? a, object? b, Type declared)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        Type type = declared == typeof(object) ? a.GetType() : declared;
        JsonTypeInfo info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.None:
                return a.Equals(b);
            case JsonTypeInfoKind.Object:
                // Another class under the same declared type may write other properties: not the same.
                Type actual = a.GetType();
                return actual == b.GetType() && _objects.GetOrAdd(actual, Compile)(a, b);
            case JsonTypeInfoKind.Enumerable:
                // Items by their own class: where it is the declared one, as JSON writes them; a subclass must match exactly.
                IEnumerator x = ((IEnumerable)a).GetEnumerator(), y = ((IEnumerable)b).GetEnumerator();
                while (true)
                {
                    bool more = x.MoveNext();
                    if (more != y.MoveNext())
                        return false;
                    if (!more)
                        return true;
                    if (!Same(x.Current, y.Current, typeof(object)))
                        return false;
                }
            default:
                return Json(a, b, type);
        }
    }

    private bool Json(object a, object b, Type type)
        => JsonSerializer.SerializeToUtf8Bytes(a, type, options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, type, options));

    /// <summary>(a, b) => every written property equal: values with EqualityComparer&lt;T&gt;, objects and lists through <see cref="Same"/>.</summary>
    private Func<object, object, bool> Compile(Type type)
    {
        JsonTypeInfo info = options.GetTypeInfo(type);
        ParameterExpression pa = Expression.Parameter(typeof(object), "a"), pb = Expression.Parameter(typeof(object), "b");
        ParameterExpression a = Expression.Variable(type, "x"), b = Expression.Variable(type, "y");
        Expression all = Expression.Constant(true);
        foreach (JsonPropertyInfo property in info.Properties)
        {
            if (property.Get is null)
                continue;
            Expression equal;
            if (property.AttributeProvider is PropertyInfo or FieldInfo)
            {
                var member = (MemberInfo)property.AttributeProvider;
                Expression va = Expression.MakeMemberAccess(a, member), vb = Expression.MakeMemberAccess(b, member);
                Type t = va.Type;
                equal = options.GetTypeInfo(property.PropertyType).Kind == JsonTypeInfoKind.None
                    ? t.IsValueType || t == typeof(string)
                        ? Expression.Call(Expression.Property(null, typeof(EqualityComparer<>).MakeGenericType(t), "Default"), "Equals", null, va, vb)
                        : Expression.Call(ObjectEquals, Expression.Convert(va, typeof(object)), Expression.Convert(vb, typeof(object)))
                    : Expression.Call(Expression.Constant(this), SameMethod, Expression.Convert(va, typeof(object)), Expression.Convert(vb, typeof(object)), Expression.Constant(property.PropertyType));
            }
            else
            {
                // A property the metadata reaches some other way: through its getter, boxed.
                Expression get = Expression.Constant(property.Get);
                equal = Expression.Call(Expression.Constant(this), SameMethod, Expression.Invoke(get, pa), Expression.Invoke(get, pb), Expression.Constant(property.PropertyType));
            }
            all = Expression.AndAlso(all, equal);
        }
        BlockExpression body = Expression.Block([a, b],
            Expression.Assign(a, Expression.Convert(pa, type)),
            Expression.Assign(b, Expression.Convert(pb, type)),
            all);
        return Expression.Lambda<Func<object, object, bool>>(body, pa, pb).Compile();
    }
}
