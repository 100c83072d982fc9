using System.Management.Automation;
using LvsPS.Native.Ipvs;

namespace LvsPS;

/// <summary>
/// How PowerShell turns piped objects into <see cref="LvsVirtualService"/> and <see cref="LvsRealServer"/>
/// (the -InputObject of New-LvsVirtualService and Add-LvsRealServer): core records as they are, and
/// property bags (Import-Csv rows, deserialized objects, ConvertFrom-Json objects, hashtables) read
/// by property name. A bag is taken as a service when it has no Forwarding or Weight, as a real server
/// when it has an Address and no Scheduler; strings and other objects are refused here, so they bind
/// to -VirtualService instead. A bag that looks right but holds a bad value is not refused (that would
/// let PowerShell bind its bare VirtualService to the identity instead, dropping its settings): it
/// becomes a record carrying the error, which the cmdlet writes with the row as the target.
/// </summary>
public sealed class LvsRecordConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) => CanConvert(sourceValue, destinationType);

    public override bool CanConvertFrom(PSObject sourceValue, Type destinationType) => CanConvert(sourceValue, destinationType);

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        => Convert(sourceValue, destinationType);

    public override object ConvertFrom(PSObject sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        => Convert(sourceValue, destinationType);

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        => throw new InvalidCastException($"LvsPS records do not convert to {destinationType}.");

    private static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    /// <summary>What error records point at: the piped object itself (a row of properties is its PSObject).</summary>
    private static object Piped(object source) => source is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : source;

    private static bool CanConvert(object? source, Type destination)
    {
        object? value = Unwrap(source);
        if (destination == typeof(LvsVirtualService))
            return value is VirtualService || (RecordRow.From(source) is { } row && RecordReader.IsServiceRow(row));
        if (destination == typeof(LvsRealServer))
            return value is RealServer || (RecordRow.From(source) is { } row && RecordReader.IsRealServerRow(row));
        return false;
    }

    private static object Convert(object? source, Type destination)
    {
        object? value = Unwrap(source);
        if (destination == typeof(LvsVirtualService))
            return value switch
            {
                VirtualService record => new LvsVirtualService(record).ConvertedFrom(Piped(source!)),
                _ when RecordRow.From(source) is { } row && RecordReader.IsServiceRow(row) => Read(row, source!, RecordReader.Service, LvsVirtualService.Invalid, (r, s) => new LvsVirtualService(r).ConvertedFrom(s)),
                _ => throw Refused(source, destination),
            };
        if (destination == typeof(LvsRealServer))
            return value switch
            {
                RealServer record => new LvsRealServer(record).ConvertedFrom(Piped(source!)),
                _ when RecordRow.From(source) is { } row && RecordReader.IsRealServerRow(row) => Read(row, source!, r => RecordReader.RealServer(r, null), LvsRealServer.Invalid, (r, s) => new LvsRealServer(r).ConvertedFrom(s)),
                _ => throw Refused(source, destination),
            };
        throw Refused(source, destination);
    }

    private static TOut Read<TRecord, TOut>(RecordRow row, object source, Func<RecordRow, TRecord> read, Func<Exception, object, TOut> invalid, Func<TRecord, object, TOut> wrap)
    {
        try
        {
            return wrap(read(row), Piped(source));
        }
        catch (Exception e) when (ErrorMapper.IsMapped(e))
        {
            return invalid(e, Piped(source));
        }
    }

    private static InvalidCastException Refused(object? source, Type destination)
        => new($"{Unwrap(source)?.GetType().Name ?? "null"} is not a {destination.Name}.");
}
