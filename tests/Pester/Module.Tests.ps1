# The module as the PowerShell Gallery and its users see it: the manifest's fields, the
# dependencies isolated in a load context of the module's own, and the package that
# Publish-PSResource accepts and Install-PSResource installs.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $moduleDir = Split-Path $LvsModule -Parent
    $manifest = Test-ModuleManifest $LvsModule

    # Runs a script in a fresh pwsh (no module imported) with HOME set to $HomeDir, so that
    # installed modules and registered repositories stay in the test's own folder.
    function Invoke-FreshPwsh([string] $Script, [string] $HomeDir = $TestDrive) {
        $pwsh = if ($env:LVSPS_PWSH) { $env:LVSPS_PWSH } else { (Get-Command pwsh -CommandType Application)[0].Source }
        $saved = $env:HOME, $env:PSModulePath
        $env:HOME = $HomeDir
        $env:PSModulePath = ($env:PSModulePath -split ':' | Where-Object { $_ -notlike '*/.local/share/powershell/Modules' }) -join ':'
        # NuGet (under Publish-PSResource) writes NuGet/NuGet.Config into the working directory.
        Push-Location $HomeDir
        try { $text = & $pwsh -NoProfile -NonInteractive -Command "`$PSStyle.OutputRendering = 'PlainText'; $Script" 2>&1 | Out-String }
        finally { Pop-Location; $env:HOME, $env:PSModulePath = $saved }
        [pscustomobject]@{ Text = $text; ExitCode = $LASTEXITCODE }
    }
}

Describe 'The manifest' {
    It 'has what the Gallery shows: description, author, project and licence links, release notes, tags' {
        $manifest.Description.Length | Should -BeGreaterThan 40
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.ProjectUri.IsAbsoluteUri | Should -BeTrue
        $manifest.LicenseUri.IsAbsoluteUri | Should -BeTrue
        $manifest.ReleaseNotes.Length | Should -BeGreaterThan 20
        $manifest.Tags | Should -Contain 'IPVS'
        $manifest.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'the Gallery splits tags at spaces'
    }

    It 'ships the MIT licence its LicenseUri points to' {
        Join-Path $moduleDir 'LICENSE' | Should -FileContentMatch 'MIT License'
        $manifest.LicenseUri.AbsolutePath | Should -BeLike '*/LICENSE'
    }

    It 'exports exactly the cmdlets it lists, and no functions, variables or aliases' {
        $exported = (Get-Module LvsPS).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.ExportedCmdlets.Keys | Sort-Object)
        $exported.Count | Should -BeGreaterThan 30
        (Get-Module LvsPS).ExportedFunctions.Count | Should -Be 0
        (Get-Module LvsPS).ExportedAliases.Count | Should -Be 0
    }
}

Describe 'Dependency isolation' {
    BeforeAll {
        # A stand-in for another module's Tmds.LibC: same name, another (older) version, compiled
        # with the Roslyn that pwsh carries (Add-Type would give it a random assembly name).
        $stubDir = Join-Path $TestDrive 'stub'
        $null = New-Item -ItemType Directory $stubDir
        Add-Type -TypeDefinition 'public static class LvsPSRoslynWarmUp { }'
        $source = '[assembly: System.Reflection.AssemblyVersion("0.0.1.0")] namespace Tmds.Linux { public static class Stub { } }'
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('Tmds.LibC',
            [Microsoft.CodeAnalysis.SyntaxTree[]] @([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
            [Microsoft.CodeAnalysis.MetadataReference[]] @([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)),
            [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
        $file = [IO.File]::Create((Join-Path $stubDir 'Tmds.LibC.dll'))
        try { $compilation.Emit($file).Success | Should -BeTrue } finally { $file.Dispose() }
        $loadStub = "Add-Type -Path '$stubDir/Tmds.LibC.dll'; "
        $reportLoad = '[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in ''LvsPS.Native'', ''Tmds.LibC'' } | ' +
            'ForEach-Object { ''{0} {1} {2}'' -f $_.GetName().Name, $_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }'
    }

    It 'keeps the core and its Tmds.LibC in the module''s load context, out of PowerShell''s sight' {
        Join-Path $moduleDir 'Dependencies/LvsPS.Native.dll' | Should -Exist
        Join-Path $moduleDir 'Dependencies/Tmds.LibC.dll' | Should -Exist
        Join-Path $moduleDir 'Tmds.LibC.dll' | Should -Not -Exist
        $r = Invoke-FreshPwsh "Import-Module '$LvsModule'; `$null = Get-LvsVip -Interface lo; $reportLoad"
        $r.Text | Should -Match 'LvsPS\.Native 0\.1\.0\.0 LvsPS'
        $r.Text | Should -Match 'Tmds\.LibC 0\.5\.0\.0 LvsPS'
    }

    It 'works after another module loaded a different Tmds.LibC (route netlink through the core''s Tmds.LibC)' {
        $r = Invoke-FreshPwsh ("`$ErrorActionPreference = 'Stop'; " + $loadStub + "Import-Module '$LvsModule'; Get-LvsVip -Interface lo | Out-Null; 'netlink ok'; $reportLoad")
        $r.Text | Should -Match 'netlink ok'
        $r.Text | Should -Match 'Tmds\.LibC 0\.0\.1\.0 Default' -Because 'the other module keeps its own'
        $r.Text | Should -Match 'Tmds\.LibC 0\.5\.0\.0 LvsPS'
        $r.ExitCode | Should -Be 0
    }

    It 'is what makes the difference: the same assemblies side by side in one folder fail after the stub' {
        # The layout before isolation: every DLL beside LvsPS.dll, no Dependencies folder.
        $flat = Join-Path $TestDrive 'flat/LvsPS'
        Copy-Item $moduleDir $flat -Recurse
        Move-Item (Join-Path $flat 'Dependencies/*') $flat
        Remove-Item (Join-Path $flat 'Dependencies')
        $r = Invoke-FreshPwsh ("`$ErrorActionPreference = 'Stop'; " + $loadStub + "Import-Module '$flat/LvsPS.psd1'; Get-LvsVip -Interface lo | Out-Null; 'netlink ok'")
        $r.Text | Should -Not -Match 'netlink ok'
        $r.Text | Should -Match "Could not load file or assembly 'Tmds\.LibC, Version=0\.5\.0\.0"
    }
}

Describe 'The package' {
    BeforeAll {
        $package = Get-ChildItem (Join-Path $RepoRoot 'out/package') -Filter 'LvsPS.*.nupkg' -ErrorAction SilentlyContinue | Select-Object -First 1
    }

    It 'is built by ./build.ps1 Package as out/package/LvsPS.<version>.nupkg' {
        $package | Should -Not -BeNullOrEmpty -Because 'scripts/test-all.sh runs ./build.ps1 Package before this tier'
        $package.Name | Should -Be "LvsPS.$($manifest.Version).nupkg"
    }

    It 'is accepted by Publish-PSResource into a local repository, from which Install-PSResource installs it and Import-Module LvsPS loads it by name' {
        $package | Should -Not -BeNullOrEmpty
        $repo = Join-Path $TestDrive 'repo'
        $null = New-Item -ItemType Directory $repo
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LvsPSTest -Uri '$repo' -Trusted
Publish-PSResource -NupkgPath '$($package.FullName)' -Repository LvsPSTest
Install-PSResource -Name LvsPS -Repository LvsPSTest -Scope CurrentUser -TrustRepository
Import-Module LvsPS
`$m = Get-Module LvsPS
"loaded `$(`$m.Version) from `$(`$m.ModuleBase)"
"cmdlets `$(`$m.ExportedCmdlets.Count)"
(Get-Help New-LvsVirtualService).Synopsis
"@
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match "loaded $([regex]::Escape("$($manifest.Version)")) from $([regex]::Escape($TestDrive))/\.local/share/powershell/Modules/LvsPS/"
        $r.Text | Should -Match "cmdlets $($manifest.ExportedCmdlets.Count)"
        $r.Text | Should -Match 'Creates IPVS virtual services'
    }
}
