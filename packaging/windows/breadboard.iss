; Inno Setup 6 script: a Windows installer for the one-folder PyInstaller build.
; Build dist\breadboard\ first (packaging\windows\build_windows.ps1 does both), then:
;   ISCC.exe /DAppVersion=0.1.0 /DIconFile=..\..\build\breadboard.ico packaging\windows\breadboard.iss
; Writes dist\breadboard-<version>-windows-x64-setup.exe. Installs per user by default (no admin),
; into %LOCALAPPDATA%\Programs\breadboard; numba's cache goes to %LOCALAPPDATA%\breadboard.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef IconFile
  #define IconFile "..\..\resources\icon.ico"
#endif

[Setup]
AppId={{5B0C7E2A-4D1F-4E8B-9A53-2F6C1D8B7E41}
AppName=breadboard
AppVersion={#AppVersion}
AppVerName=breadboard {#AppVersion}
AppPublisher=breadboard
AppComments=A virtual breadboard for the Arduino Uno: an ATmega328P simulated to the cycle, with a scope
DefaultDirName={autopf}\breadboard
DefaultGroupName=breadboard
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=breadboard-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
UninstallDisplayIcon={app}\breadboard.exe
#if FileExists(IconFile) || FileExists(AddBackslash(SourcePath) + IconFile)
SetupIconFile={#IconFile}
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "hexassoc"; Description: "Open Intel HEX firmware (.hex) with breadboard"; GroupDescription: "File types:"
Name: "precompile"; Description: "Prepare the simulator now (compiles for a minute or two; else on the first launch)"; GroupDescription: "First launch:"

[Files]
Source: "..\..\dist\breadboard\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\breadboard"; Filename: "{app}\breadboard.exe"; Comment: "Arduino Uno simulator"
Name: "{autodesktop}\breadboard"; Filename: "{app}\breadboard.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.hex\OpenWithProgids"; ValueType: string; ValueName: "breadboard.hex"; ValueData: ""; Flags: uninsdeletevalue; Tasks: hexassoc
Root: HKA; Subkey: "Software\Classes\breadboard.hex"; ValueType: string; ValueName: ""; ValueData: "Intel HEX firmware"; Flags: uninsdeletekey; Tasks: hexassoc
Root: HKA; Subkey: "Software\Classes\breadboard.hex\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\breadboard.exe,0"; Tasks: hexassoc
Root: HKA; Subkey: "Software\Classes\breadboard.hex\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\breadboard.exe"" ""%1"""; Tasks: hexassoc

[Run]
; The compile writes the installing user's cache (%LOCALAPPDATA%\breadboard), as the first launch would.
Filename: "{app}\breadboard.exe"; Parameters: "--warm-cache"; StatusMsg: "Preparing the simulator (compiling, once)..."; Flags: runhidden waituntilterminated; Tasks: precompile
Filename: "{app}\breadboard.exe"; Description: "{cm:LaunchProgram,breadboard}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{localappdata}\breadboard"
