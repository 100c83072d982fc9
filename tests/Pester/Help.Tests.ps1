# Get-Help as a user reads it in pwsh: -Full, -Examples and -Parameter render for every cmdlet
# the manifest exports, from the MAML in en-US/ (not the synopsis pwsh makes up without it).
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../LvsPS.psd1')
    $cmdlets = $manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll { . $PSScriptRoot/Common.ps1 }

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $full = $help | Out-String -Width 80
    }

    It 'has a synopsis, a description naming ipvsadm or the tool it replaces, and renders at 80 columns' {
        $help.Synopsis | Should -Not -BeLike "$Name*" -Because 'without MAML pwsh makes the synopsis from the syntax'
        $help.Synopsis.Length | Should -BeGreaterThan 20
        ($help.description.Text -join "`n").Length | Should -BeGreaterThan 100
        $full | Should -Match '(?m)^SYNOPSIS'
        $full | Should -Match '(?m)^PARAMETERS'
        $full | Should -Match '(?m)^OUTPUTS'
    }

    It 'has examples that run the cmdlet and explain themselves (Get-Help -Examples)' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($example in $examples) {
            $example.code | Should -Match $Name.Split('-')[1].Substring(0, 3)
            ($example.remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        }
        # Rendering wraps long lines at 80 columns: compare without white space.
        $rendered = (Get-Help $Name -Examples | Out-String -Width 80) -replace '\s', ''
        $rendered | Should -BeLike ('*' + [WildcardPattern]::Escape(($examples[0].code -replace '\s', '')) + '*')
    }

    It 'describes every parameter (Get-Help -Parameter)' {
        $parameters = (Get-Command $Name).Parameters.Values |
            Where-Object { $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and
                $_.Name -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters -and
                -not ($_.Attributes | Where-Object { $_ -is [Parameter] -and $_.DontShow }) }
        foreach ($p in $parameters) {
            $one = Get-Help $Name -Parameter $p.Name
            ($one.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name needs a description"
            $one | Out-String | Should -Match "(?m)^-$($p.Name)( <|\s*$)"
        }
    }
}

Describe 'about_LvsPS' {
    It 'is found by Get-Help, names the cmdlets and explains testing runbooks with Pester' {
        $about = Get-Help about_LvsPS | Out-String
        $about | Should -Match 'New-LvsVirtualService'
        $about | Should -Match 'TESTING RUNBOOKS WITH PESTER'
    }
}
