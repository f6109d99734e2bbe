package lang_test

import (
	"testing"

	"github.com/prowl-hunt/prowl/lang"
)

// huntQuery is a 40-line hunting query of the kind Defender users write.
const huntQuery = `// Cloud storage uploads by users who also ran encoded PowerShell
let lookback = 7d;
let minBytes = 50000000;
let CloudStorage = datatable(App:string, Domain:string) [
    "Dropbox", "dropbox.com",
    "Box", "box.com",
    "Google Drive", "drive.google.com",
    "OneDrive", "onedrive.live.com",
    "MEGA", "mega.nz"
];
let EncodedPS = DeviceProcessEvents
    | where Timestamp > ago(lookback)
    | where FileName in~ ("powershell.exe", "pwsh.exe")
    | where ProcessCommandLine has_any ("-enc", "-EncodedCommand", "FromBase64String")
    | extend Decoded = base64_decode_tostring(extract(@"-enc\s+([A-Za-z0-9+/=]+)", 1, ProcessCommandLine))
    | summarize PSCount = count(), Commands = make_set(Decoded, 10) by DeviceId, AccountName;
let Uploads = DeviceNetworkEvents
    | where Timestamp > ago(lookback)
    | where ActionType == "ConnectionSuccess" and RemoteIPType == "Public"
    | where isnotempty(RemoteUrl)
    | extend Domain = tolower(tostring(split(RemoteUrl, "/")[0]))
    | join kind=inner CloudStorage on Domain
    | summarize Bytes = sum(BytesSent), Connections = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp)
        by DeviceId, DeviceName, App, Account = InitiatingProcessAccountName, bin(Timestamp, 1h);
Uploads
| where Bytes > minBytes
| join kind=leftouter (EncodedPS) on $left.DeviceId == $right.DeviceId, $left.Account == $right.AccountName
| lookup kind=leftouter (DeviceInfo | summarize arg_max(Timestamp, OSPlatform, MachineGroup) by DeviceId) on DeviceId
| extend Risk = case(PSCount > 5, "High", PSCount > 0, "Medium", "Low")
| extend Duration = LastSeen - FirstSeen, MB = round(todouble(Bytes) / 1024 / 1024, 1)
| where Risk != "Low" or MB > 500
| project Timestamp, DeviceName, Account, App, MB, Connections, Duration, Risk, PSCount, Commands, OSPlatform, MachineGroup
| order by MB desc, Timestamp asc
| take 100`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lang.Parse(huntQuery); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBind(b *testing.B) {
	env := testEnv()
	b.ReportAllocs()
	for b.Loop() {
		s, err := lang.Parse(huntQuery)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lang.Bind(s, env); err != nil {
			b.Fatal(formatErr(err, "q", huntQuery))
		}
	}
}
