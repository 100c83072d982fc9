using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace LvsPS;

/// <summary>
/// Reads a whole number for an unsigned parameter (seconds, marks, thresholds, ids) and refuses one
/// outside the parameter's range by naming the range: without it PowerShell's own conversion answers
/// -PersistenceTimeout -5 with "Value was either too large or too small for a UInt32". A number in range
/// passes on unchanged to the parameter's conversion and validation.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class UnsignedTransformationAttribute(ulong minimum, ulong maximum) : ArgumentTransformationAttribute
{
    public ulong Minimum { get; } = minimum;

    public ulong Maximum { get; } = maximum;

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is null or IList or SwitchParameter)
            return inputData;
        decimal number;
        try
        {
            number = (decimal)LanguagePrimitives.ConvertTo(value, typeof(decimal), CultureInfo.InvariantCulture);
        }
        catch (PSInvalidCastException)
        {
            throw new ArgumentTransformationMetadataException($"'{value}' is not a whole number from {Minimum} to {Maximum}.");
        }
        if (number != decimal.Truncate(number) || number < Minimum || number > Maximum)
            throw new ArgumentTransformationMetadataException($"{Convert.ToString(value, CultureInfo.InvariantCulture)} is out of range: the value is a whole number from {Minimum} to {Maximum}.");
        return inputData;
    }
}
