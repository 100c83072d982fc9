using System.Management.Automation;

namespace LvsPS;

/// <summary>
/// On New-LvsVirtualService's -VirtualService: refuses, as a cast PowerShell skips while binding pipeline input,
/// anything -InputObject takes whole (service objects, core records, rows), so that it binds there with its
/// settings and real servers instead of as its bare identity. Strings and identities pass.
/// </summary>
public sealed class NotAWholeServiceAttribute : ArgumentTransformationAttribute
{
    private static readonly LvsRecordConverter Converter = new();

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject p ? p.BaseObject : inputData;
        if (inputData is null || value is string or VirtualServiceIdentity || (value is not LvsVirtualService && !Converter.CanConvertFrom(inputData, typeof(LvsVirtualService))))
            return inputData;
        string message = $"A whole service ({value?.GetType().Name}) is created from -InputObject, with its settings and real servers, not from -VirtualService.";
        throw new ArgumentTransformationMetadataException(message, new PSInvalidCastException(message));
    }
}
