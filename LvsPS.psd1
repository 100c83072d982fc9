@{
    RootModule           = 'LvsPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '0c7a3905-9d73-4d27-85ed-417e6b465832'
    Author               = 'LvsPS'
    CompanyName          = 'LvsPS'
    Copyright            = '(c) LvsPS contributors.'
    Description          = 'Administers Linux IPVS (LVS) over generic netlink, without ipvsadm: virtual services, real servers, timeouts and counters, in any network namespace.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('LvsPS.format.ps1xml')
    # Loaded before RootModule: it puts the core (Dependencies/) in a load context of the module's own.
    NestedModules        = @('LvsPS.Loader.dll')
    CmdletsToExport      = @(
        'New-LvsVirtualService'
        'Get-LvsVirtualService'
        'Set-LvsVirtualService'
        'Remove-LvsVirtualService'
        'Clear-LvsVirtualService'
        'Add-LvsRealServer'
        'Get-LvsRealServer'
        'Set-LvsRealServer'
        'Remove-LvsRealServer'
        'Clear-LvsStatistic'
        'Get-LvsTimeout'
        'Set-LvsTimeout'
        'Get-LvsInfo'
        'Get-LvsConnection'
        'Get-LvsStatistic'
        'Export-LvsMetric'
        'Get-LvsSyncDaemon'
        'Start-LvsSyncDaemon'
        'Stop-LvsSyncDaemon'
        'Export-LvsConfiguration'
        'Import-LvsConfiguration'
        'Suspend-LvsRealServer'
        'Resume-LvsRealServer'
        'Get-LvsArpSuppression'
        'Set-LvsArpSuppression'
        'Add-LvsVip'
        'Get-LvsVip'
        'Remove-LvsVip'
        'Initialize-LvsRealServerHost'
        'Reset-LvsRealServerHost'
        'Enable-LvsDirectorForwarding'
        'Test-LvsConfiguration'
        'Start-LvsVrrpInstance'
        'Get-LvsVrrpInstance'
        'Set-LvsVrrpInstance'
        'Stop-LvsVrrpInstance'
        'Wait-LvsVrrpInstance'
        'Get-LvsVrrpSyncGroup'
        'Get-LvsKeepalivedConfiguration'
        'Test-LvsKeepalivedConfiguration'
        'Export-LvsKeepalivedConfiguration'
        'Start-LvsDirector'
        'Get-LvsDirector'
        'Stop-LvsDirector'
        'Update-LvsDirector'
        'New-LvsHealthCheck'
        'Start-LvsHealthCheck'
        'Get-LvsHealthCheck'
        'Stop-LvsHealthCheck'
        'Wait-LvsHealthCheck'
        'Test-LvsHealthCheck'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('LVS', 'IPVS', 'ipvsadm', 'keepalived', 'VRRP', 'LoadBalancer', 'Netlink', 'Linux', 'PSEdition_Core')
            # The project's public home (assumed; change both if it lives elsewhere before publishing).
            ProjectUri   = 'https://github.com/LvsPS/LvsPS'
            LicenseUri   = 'https://github.com/LvsPS/LvsPS/blob/main/LICENSE'
            ReleaseNotes = 'First release: IPVS virtual services, real servers, timeouts, statistics, connections, sync daemons, ipvsadm-save/restore and JSON configuration, draining, host preparation (VIPs, ARP suppression) and VRRP fail-over interoperating with keepalived, over netlink without ipvsadm.'
        }
    }
}
