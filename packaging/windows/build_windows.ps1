# Build breadboard for Windows: dist\breadboard\ (one folder, breadboard.exe, no console window),
# dist\breadboard-<version>-windows-x64.zip and, when Inno Setup 6 is installed, the installer
# dist\breadboard-<version>-windows-x64-setup.exe. Run from anywhere in PowerShell:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1 [-NoVenv] [-Python py]
# Not run on this project's CI (Linux only); see packaging\windows\README.md.
param(
    [switch]$NoVenv,
    [string]$Python = "python",
    [switch]$SkipSmokeTest
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

if ($NoVenv) {
    $Py = $Python
} else {
    $Venv = Join-Path $Root "build\package-venv"
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    & $Python -m venv $Venv
    $Py = Join-Path $Venv "Scripts\python.exe"
    & $Py -m pip install --quiet --upgrade pip
}
# Pillow lets PyInstaller turn resources\icon.png into the .exe's icon.
& $Py -m pip install --quiet "$Root[package]" pillow
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

$Version = (& $Py -c "import re,pathlib;print(re.search(r'__version__ = \`"([^\`"]+)\`"', pathlib.Path('breadboard/__init__.py').read_text()).group(1))").Trim()

# An .ico for the installer (the .exe gets its icon from the spec).
New-Item -ItemType Directory -Force -Path (Join-Path $Root "build") | Out-Null
$Ico = Join-Path $Root "resources\icon.ico"
if (-not (Test-Path $Ico) -and (Test-Path (Join-Path $Root "resources\icon.png"))) {
    $Ico = Join-Path $Root "build\breadboard.ico"
    & $Py -c "from PIL import Image; Image.open(r'resources\icon.png').save(r'$Ico', sizes=[(16,16),(24,24),(32,32),(48,48),(64,64),(128,128),(256,256)])"
}

$Started = Get-Date
& $Py -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$Root\dist" --workpath "$Root\build\pyinstaller" "$Root\packaging\breadboard.spec"
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Exe = Join-Path $Root "dist\breadboard\breadboard.exe"
$Size = (Get-ChildItem -Recurse "$Root\dist\breadboard" | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("== {0} ({1:N0} MB) built in {2:N0} s" -f $Exe, $Size, ((Get-Date) - $Started).TotalSeconds)

if (-not $SkipSmokeTest) {
    # The windowed .exe has no console: wait for it and read its exit code. Cold start: compiles.
    $env:QT_QPA_PLATFORM = "offscreen"
    $p = Start-Process -FilePath $Exe -ArgumentList "--smoke-test", "1", "--example", "blink" -Wait -PassThru -NoNewWindow
    Remove-Item Env:QT_QPA_PLATFORM
    if ($p.ExitCode -ne 0) { throw "the bundle's smoke test failed (exit $($p.ExitCode))" }
    Write-Host "== smoke test passed"
}

$Zip = Join-Path $Root "dist\breadboard-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path "$Root\dist\breadboard" -DestinationPath $Zip
Write-Host "== $Zip"

$Iscc = @(
    (Get-Command ISCC.exe -ErrorAction SilentlyContinue | ForEach-Object { $_.Source }),
    "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
    "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($Iscc) {
    & $Iscc "/DAppVersion=$Version" "/DIconFile=$Ico" (Join-Path $Root "packaging\windows\breadboard.iss")
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
    Write-Host "== dist\breadboard-$Version-windows-x64-setup.exe"
} else {
    Write-Host "Inno Setup 6 not found (winget install JRSoftware.InnoSetup): no installer, the .zip is there"
}
