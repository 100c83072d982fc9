using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LvsPS.Native.Configuration.Director;

/// <summary>
/// The JSON shape of a <see cref="DirectorConfiguration"/> inside LvsPS's lossless configuration
/// file (its "director" property): camelCase, enums by name, addresses as text, unset values left
/// out; reading refuses unknown properties (a typo must not drop a setting).
/// </summary>
public static class DirectorJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            WriteIndented = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new AddressConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class AddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? text = reader.GetString();
            return Text.NetText.TryParseAddress(text, out IPAddress? address, out string? error) ? address! : throw new JsonException(error);
        }

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
