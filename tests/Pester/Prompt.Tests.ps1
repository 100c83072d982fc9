# What a console asks for when a mandatory parameter is missing (pwsh reads the answers from stdin
# when it is not a terminal, as it does from a user's keyboard).
BeforeAll {
    . $PSScriptRoot/Common.ps1
    function Invoke-Answered([string] $Script, [string[]] $Answers) {
        $pwsh = if ($env:LVSPS_PWSH) { $env:LVSPS_PWSH } else { (Get-Command pwsh -CommandType Application)[0].Source }
        $Answers | & $pwsh -NoProfile -Command "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$LvsModule'; $Script" 2>&1 | Out-String -Width 200
    }
}

Describe 'Prompting for a missing identity' {
    It 'New-LvsVirtualService without arguments asks for the identity and takes it' {
        # It asked for InputObject[0] and refused the identity typed there.
        $text = Invoke-Answered 'New-LvsVirtualService -WhatIf' 'tcp/10.0.0.44:80'
        $text | Should -Match 'VirtualService: tcp/10\.0\.0\.44:80'
        $text | Should -Match 'What if: Performing the operation "Create virtual service \(scheduler wlc\)" on target "tcp/10\.0\.0\.44:80"'
        $text | Should -Not -Match 'InputObject'
    }
}
