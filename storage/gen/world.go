package gen

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Operating systems of the generated devices.
const (
	osWin11 = iota
	osWin10
	osMac
	osLinux
	osWinServer
	numOS
)

var osPlatform = [numOS]string{"Windows11", "Windows10", "macOS", "Linux", "WindowsServer2022"}

var departments = []string{"Finance", "Engineering", "Sales", "Marketing", "HR", "Legal", "IT", "Operations", "Support", "Executive"}

// The department whose members alone use the rare app (story 3).
const rareDept = 3 // Marketing

var firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "karl", "laura",
	"mallory", "nina", "oscar", "peggy", "quinn", "rupert", "sybil", "trent", "ursula", "victor", "wendy", "xavier", "yvonne",
	"zach", "amir", "bianca", "chen", "dmitri", "elena", "farah", "gustav", "hana", "igor", "jamal", "kenji", "lena", "mateo",
	"noor", "olga", "priya", "raj", "sofia", "tomas", "uma", "vikram", "wei", "yusuf", "zoe"}

var lastNames = []string{"smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas", "taylor",
	"moore", "jackson", "martin", "lee", "perez", "white", "harris", "clark", "lewis", "young", "walker", "hall", "allen",
	"king", "wright", "scott", "green", "baker", "adams", "nelson", "hill", "campbell", "mitchell", "roberts", "carter",
	"phillips", "evans", "turner", "torres", "parker", "collins", "edwards", "stewart", "morris", "murphy", "cook", "rogers",
	"morgan", "cooper", "peterson", "bailey", "reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson", "watson"}

const (
	domainNetBIOS = "CONTOSO"
	domainDNS     = "contoso.com"
	sidPrefix     = "S-1-5-21-1004336348-1177238915-682003330-"
)

type device struct {
	id, name string
	os       int
	dept     int
	laptop   bool
	server   bool
	users    []int32 // accounts (indices into world.accounts) of its regular users
	mac      string
	aadID    string
	model    string
	vendor   string
}

type account struct {
	domain, name, sid, upn, objectID string
	dept                             int
	home                             int32 // home device, -1 for system accounts
}

// System accounts come first in world.accounts.
const (
	acctSystem = iota
	acctLocalService
	acctNetworkService
	acctRoot
	numSystemAccounts
)

// process is one initiating-process image with everything derived from it.
type process struct {
	file, company, product, version, desc, folder, cmdline, parent string
	integrity, elevation                                           string
	size                                                           int64
	osMask                                                         uint8
	weight                                                         float64
	service                                                        bool    // runs as a system account
	sysAcct                                                        int     // which system account (-1: any of the three Windows ones)
	ipOnly                                                         float64 // share of its outbound connections without a URL
	hosts                                                          []int32 // its own hosts; nil means the web at large
	sha1, sha256, md5                                              string
}

const (
	maskWin    = 1<<osWin11 | 1<<osWin10
	maskMac    = 1 << osMac
	maskLinux  = 1 << osLinux
	maskServer = 1 << osWinServer
)

// world is everything precomputed once per Config and shared read-only by the
// batch workers.
type world struct {
	cfg      Config
	start    time.Time
	devices  []device
	accounts []account
	procs    []process
	hosts    []string

	devAlias  *alias   // activity-weighted device choice
	procAlias []*alias // per OS: process choice, indices into procByOS
	procByOS  [][]int32
	webAlias  *alias // host choice for browsing, indices into webHosts
	webHosts  []int32

	dropboxProc int32
	dropboxUp   []int32
	figma       []int32
	urlPaths    []string

	stories Stories
	roamSet []int32 // devices the roaming user signs in on
	exfil   int32   // the exfiltrating device
	roamer  int32   // account index of the roaming user
}

func newWorld(cfg Config) *world {
	w := &world{cfg: cfg, start: cfg.End.AddDate(0, 0, -cfg.Days)}
	r := newRNG(cfg.Seed, 1)
	w.makeHosts()
	w.makeProcesses()
	w.makeAccounts()
	w.makeDevices(r)
	w.makeStories(r)
	return w
}

func hexID(n int, words ...uint64) string {
	b := make([]byte, 0, n/2+8)
	for i := uint64(0); len(b) < n/2; i++ {
		h := hash(append(words, i)...)
		for k := 0; k < 8 && len(b) < n/2; k++ {
			b = append(b, byte(h>>(8*k)))
		}
	}
	return hex.EncodeToString(b)
}

func guidOf(words ...uint64) string {
	h := hexID(32, words...)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func (w *world) makeHosts() {
	seen := map[string]int32{}
	add := func(h string) int32 {
		if i, ok := seen[h]; ok {
			return i
		}
		i := int32(len(w.hosts))
		seen[h] = i
		w.hosts = append(w.hosts, h)
		return i
	}
	var weights []float64
	appW := zipfWeights(len(w.cfg.Apps), 1.05)
	var appSum float64
	for _, x := range appW {
		appSum += x
	}
	for ai, app := range w.cfg.Apps {
		for hi, h := range app.Hosts {
			h = strings.ToLower(strings.TrimSuffix(h, "."))
			if h == "" || reservedHost(h) {
				continue
			}
			idx := add(h)
			// The first host of an app gets the most traffic.
			share := 1 / math.Pow(float64(hi+1), 0.8)
			w.webHosts = append(w.webHosts, idx)
			weights = append(weights, 0.85*appW[ai]/appSum*share/float64(len(app.Hosts))*2)
		}
	}
	// The long tail: made-up domains, Zipf among themselves, ~15% of browsing.
	tailW := zipfWeights(w.cfg.TailDomains, 0.9)
	var tailSum float64
	for _, x := range tailW {
		tailSum += x
	}
	for i := 0; i < w.cfg.TailDomains; i++ {
		name := tailName(i, w.cfg.Seed)
		if _, dup := seen[name]; dup {
			name = fmt.Sprintf("%s%d%s", tailSyllables[i%len(tailSyllables)], i, tailTLDs[i%len(tailTLDs)])
		}
		w.webHosts = append(w.webHosts, add(name))
		weights = append(weights, 0.15*tailW[i]/tailSum)
	}
	w.webAlias = newAlias(weights)
	for _, h := range dropboxHosts {
		add(h)
	}
	for _, h := range dropboxUploadHosts {
		w.dropboxUp = append(w.dropboxUp, add(h))
	}
	for _, h := range figmaHosts {
		w.figma = append(w.figma, add(h))
	}
	w.urlPaths = []string{"/", "/index.html", "/api/v1/items", "/login", "/static/app.js", "/en-us/", "/search?q=report",
		"/download/setup.exe", "/v2/upload", "/assets/logo.png"}
}

// reservedHost reports whether a host belongs to a planted story's app, whose
// traffic only the story makes.
func reservedHost(h string) bool {
	for _, d := range storyDomains {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// tailName makes the i-th long-tail domain, e.g. "www.zenvox-cloud.io".
func tailName(i int, seed uint64) string {
	h := hash(seed, 7, uint64(i))
	s1 := tailSyllables[h%uint64(len(tailSyllables))]
	s2 := tailSyllables[(h>>8)%uint64(len(tailSyllables))]
	word := tailWords[(h>>16)%uint64(len(tailWords))]
	tld := tailTLDs[(h>>24)%uint64(len(tailTLDs))]
	var b strings.Builder
	switch (h >> 32) % 4 {
	case 0:
		b.WriteString("www.")
	case 1:
		b.WriteString([]string{"cdn.", "api.", "static.", "img.", "app."}[(h>>40)%5])
	}
	b.WriteString(s1)
	b.WriteString(s2)
	if (h>>48)%2 == 0 {
		b.WriteString("-")
	}
	b.WriteString(word)
	if (h>>52)%3 == 0 {
		fmt.Fprintf(&b, "%d", (h>>56)%100)
	}
	b.WriteString(tld)
	return b.String()
}

func (w *world) hostIdx(list []string) []int32 {
	var out []int32
	for _, h := range list {
		for i, x := range w.hosts {
			if x == h {
				out = append(out, int32(i))
				break
			}
		}
	}
	return out
}

func (w *world) addHosts(list []string) []int32 {
	var out []int32
	for _, h := range list {
		idx := w.hostIdx([]string{h})
		if len(idx) == 0 {
			w.hosts = append(w.hosts, h)
			idx = []int32{int32(len(w.hosts) - 1)}
		}
		out = append(out, idx[0])
	}
	return out
}

func (w *world) makeProcesses() {
	win := `C:\Program Files\`
	w.procs = []process{
		{file: "chrome.exe", company: "Google LLC", product: "Google Chrome", version: "131.0.6778.86", desc: "Google Chrome",
			folder: win + `Google\Chrome\Application\chrome.exe`, cmdline: `"chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService`,
			parent: "chrome.exe", size: 3_172_888, osMask: maskWin, weight: 30, ipOnly: 0.12},
		{file: "msedge.exe", company: "Microsoft Corporation", product: "Microsoft Edge", version: "131.0.2903.70", desc: "Microsoft Edge",
			folder: `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, cmdline: `"msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService`,
			parent: "msedge.exe", size: 4_071_456, osMask: maskWin, weight: 22, ipOnly: 0.12},
		{file: "firefox.exe", company: "Mozilla Corporation", product: "Firefox", version: "133.0", desc: "Firefox",
			folder: win + `Mozilla Firefox\firefox.exe`, cmdline: `"firefox.exe" -contentproc -parentBuildID 20241121140525`,
			parent: "firefox.exe", size: 676_952, osMask: maskWin | maskLinux, weight: 4, ipOnly: 0.12},
		{file: "teams.exe", company: "Microsoft Corporation", product: "Microsoft Teams", version: "24295.605.3225.8804", desc: "Microsoft Teams",
			folder: `C:\Users\Public\AppData\Local\Microsoft\Teams\current\Teams.exe`, cmdline: `"Teams.exe" --system-initiated`,
			parent: "explorer.exe", size: 120_154_920, osMask: maskWin | maskMac, weight: 9, ipOnly: 0.35},
		{file: "OneDrive.exe", company: "Microsoft Corporation", product: "Microsoft OneDrive", version: "24.221.1027.0001", desc: "Microsoft OneDrive",
			folder: `C:\Program Files\Microsoft OneDrive\OneDrive.exe`, cmdline: `"OneDrive.exe" /background`,
			parent: "explorer.exe", size: 3_507_600, osMask: maskWin | maskMac, weight: 6, ipOnly: 0.10},
		{file: "OUTLOOK.EXE", company: "Microsoft Corporation", product: "Microsoft Outlook", version: "16.0.18129.20158", desc: "Microsoft Outlook",
			folder: win + `Microsoft Office\root\Office16\OUTLOOK.EXE`, cmdline: `"OUTLOOK.EXE" `,
			parent: "explorer.exe", size: 44_214_648, osMask: maskWin, weight: 5, ipOnly: 0.10},
		{file: "svchost.exe", company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.4391", desc: "Host Process for Windows Services",
			folder: `C:\Windows\System32\svchost.exe`, cmdline: `svchost.exe -k NetworkService -p -s Dnscache`,
			parent: "services.exe", size: 57_360, osMask: maskWin | maskServer, weight: 10, service: true, sysAcct: -1, ipOnly: 0.55},
		{file: "MsMpEng.exe", company: "Microsoft Corporation", product: "Microsoft Malware Protection", version: "4.18.24090.11", desc: "Antimalware Service Executable",
			folder: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, cmdline: `"MsMpEng.exe"`,
			parent: "services.exe", size: 133_576, osMask: maskWin | maskServer, weight: 3, service: true, sysAcct: acctSystem, ipOnly: 0.2},
		{file: "SearchApp.exe", company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.4391", desc: "Search application",
			folder: `C:\Windows\SystemApps\Microsoft.Windows.Search_cw5n1h2txyewy\SearchApp.exe`, cmdline: `"SearchApp.exe" -ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca`,
			parent: "svchost.exe", size: 2_884_608, osMask: maskWin, weight: 2, ipOnly: 0.1},
		{file: "slack.exe", company: "Slack Technologies Inc.", product: "Slack", version: "4.41.105", desc: "Slack",
			folder: `C:\Users\Public\AppData\Local\slack\app-4.41.105\slack.exe`, cmdline: `"slack.exe" --process-start-args --startup`,
			parent: "explorer.exe", size: 158_993_408, osMask: maskWin | maskMac, weight: 2, ipOnly: 0.2},
		{file: "Zoom.exe", company: "Zoom Video Communications, Inc.", product: "Zoom Meetings", version: "6.2.11.50010", desc: "Zoom Meetings",
			folder: `C:\Users\Public\AppData\Roaming\Zoom\bin\Zoom.exe`, cmdline: `"Zoom.exe" "--action=preload"`,
			parent: "explorer.exe", size: 459_408, osMask: maskWin | maskMac, weight: 2, ipOnly: 0.5},
		{file: "powershell.exe", company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.3672", desc: "Windows PowerShell",
			folder: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, cmdline: `powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\sync.ps1`,
			parent: "explorer.exe", size: 450_560, osMask: maskWin | maskServer, weight: 1, ipOnly: 0.4},
		{file: "curl.exe", company: "curl, https://curl.se/", product: "The curl executable", version: "8.9.1.0", desc: "The curl executable",
			folder: `C:\Windows\System32\curl.exe`, cmdline: `curl.exe -s -L -o out.bin https://example.invalid/file`,
			parent: "cmd.exe", size: 610_304, osMask: maskWin | maskServer, weight: 0.5, ipOnly: 0.3},
		{file: "w3wp.exe", company: "Microsoft Corporation", product: "Internet Information Services", version: "10.0.20348.1", desc: "IIS Worker Process",
			folder: `C:\Windows\System32\inetsrv\w3wp.exe`, cmdline: `c:\windows\system32\inetsrv\w3wp.exe -ap "DefaultAppPool"`,
			parent: "svchost.exe", size: 30_720, osMask: maskServer, weight: 6, service: true, sysAcct: acctNetworkService, ipOnly: 0.7},
		{file: "sqlservr.exe", company: "Microsoft Corporation", product: "Microsoft SQL Server", version: "2022.160.4145.4", desc: "SQL Server Windows NT - 64 Bit",
			folder: win + `Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe`, cmdline: `"sqlservr.exe" -sMSSQLSERVER`,
			parent: "services.exe", size: 492_960, osMask: maskServer, weight: 4, service: true, sysAcct: acctNetworkService, ipOnly: 0.9},
		{file: "Google Chrome Helper", company: "Google LLC", product: "Google Chrome", version: "131.0.6778.86", desc: "Google Chrome Helper",
			folder:  `/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper`,
			cmdline: `Google Chrome Helper --type=utility --utility-sub-type=network.mojom.NetworkService`, parent: "Google Chrome",
			size: 1_243_312, osMask: maskMac, weight: 25, ipOnly: 0.12},
		{file: "com.apple.WebKit.Networking", company: "Apple Inc.", product: "Safari", version: "18.1", desc: "WebKit Networking",
			folder:  `/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking`,
			cmdline: `/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking`,
			parent:  "launchd", size: 138_544, osMask: maskMac, weight: 12, ipOnly: 0.12},
		{file: "mDNSResponder", company: "Apple Inc.", product: "macOS", version: "2200.140.11", desc: "mDNSResponder",
			folder: `/usr/sbin/mDNSResponder`, cmdline: `/usr/sbin/mDNSResponder`, parent: "launchd", size: 2_067_424,
			osMask: maskMac, weight: 6, service: true, sysAcct: acctRoot, ipOnly: 0.8},
		{file: "softwareupdated", company: "Apple Inc.", product: "macOS", version: "15.1", desc: "softwareupdated",
			folder: `/System/Library/PrivateFrameworks/MobileSoftwareUpdate.framework/Support/softwareupdated`, cmdline: `softwareupdated`,
			parent: "launchd", size: 1_012_000, osMask: maskMac, weight: 2, service: true, sysAcct: acctRoot, ipOnly: 0.1},
		{file: "curl", company: "", product: "curl", version: "8.7.1", desc: "curl",
			folder: `/usr/bin/curl`, cmdline: `curl -fsSL https://example.invalid/install.sh`, parent: "bash", size: 256_704,
			osMask: maskMac | maskLinux, weight: 1.5, ipOnly: 0.3},
		{file: "python3", company: "", product: "Python", version: "3.12.3", desc: "python3",
			folder: `/usr/bin/python3`, cmdline: `python3 -m pip install -r requirements.txt`, parent: "bash", size: 6_626_112,
			osMask: maskLinux | maskMac, weight: 3, ipOnly: 0.3},
		{file: "systemd-resolved", company: "", product: "systemd", version: "255.4", desc: "systemd-resolved",
			folder: `/usr/lib/systemd/systemd-resolved`, cmdline: `/usr/lib/systemd/systemd-resolved`, parent: "systemd", size: 580_544,
			osMask: maskLinux, weight: 6, service: true, sysAcct: acctRoot, ipOnly: 0.9},
		{file: "apt", company: "", product: "apt", version: "2.7.14", desc: "apt",
			folder: `/usr/bin/apt`, cmdline: `/usr/bin/apt-get -qq update`, parent: "systemd", size: 18_824,
			osMask: maskLinux, weight: 2, service: true, sysAcct: acctRoot, ipOnly: 0.1},
		// Story 1 only: never drawn by weight.
		{file: "Dropbox.exe", company: "Dropbox, Inc.", product: "Dropbox", version: "212.4.5767", desc: "Dropbox",
			folder: win + `Dropbox\Client\Dropbox.exe`, cmdline: `"Dropbox.exe" /systemstartup`, parent: "explorer.exe",
			size: 6_184_024, osMask: 0, weight: 0},
	}
	own := map[string][]string{
		"teams.exe":        {"teams.microsoft.com", "statics.teams.cdn.office.net", "presence.teams.microsoft.com", "login.microsoftonline.com"},
		"OneDrive.exe":     {"onedrive.live.com", "api.onedrive.com", "contoso-my.sharepoint.com", "skyapi.onedrive.live.com"},
		"OUTLOOK.EXE":      {"outlook.office365.com", "substrate.office.com", "login.microsoftonline.com"},
		"svchost.exe":      windowsHosts,
		"MsMpEng.exe":      defenderHosts,
		"SearchApp.exe":    {"www.bing.com", "th.bing.com", "array.bing.com"},
		"slack.exe":        {"slack.com", "app.slack.com", "files.slack.com", "a.slack-edge.com"},
		"Zoom.exe":         {"zoom.us", "us02web.zoom.us", "zoom.com"},
		"w3wp.exe":         {"login.microsoftonline.com", "api.github.com"},
		"sqlservr.exe":     {"s3.amazonaws.com"},
		"mDNSResponder":    appleHosts,
		"softwareupdated":  appleHosts,
		"python3":          linuxHosts,
		"systemd-resolved": linuxHosts,
		"apt":              linuxHosts,
		"Dropbox.exe":      dropboxHosts,
	}
	for i := range w.procs {
		p := &w.procs[i]
		if hs, ok := own[p.file]; ok {
			p.hosts = w.addHosts(hs)
		}
		p.integrity, p.elevation = "Medium", "TokenElevationTypeLimited"
		if p.service {
			p.integrity, p.elevation = "System", "TokenElevationTypeDefault"
		}
		if p.file == "Dropbox.exe" {
			w.dropboxProc = int32(i)
		}
		h := hashString(p.file + p.version)
		p.sha1 = hexID(40, h, 1)
		p.sha256 = hexID(64, h, 2)
		p.md5 = hexID(32, h, 3)
	}
	w.procByOS = make([][]int32, numOS)
	w.procAlias = make([]*alias, numOS)
	for os := 0; os < numOS; os++ {
		var weights []float64
		for i, p := range w.procs {
			if p.osMask&(1<<os) != 0 && p.weight > 0 {
				w.procByOS[os] = append(w.procByOS[os], int32(i))
				weights = append(weights, p.weight)
			}
		}
		w.procAlias[os] = newAlias(weights)
	}
}

func (w *world) makeAccounts() {
	w.accounts = []account{
		acctSystem:         {domain: "NT AUTHORITY", name: "SYSTEM", sid: "S-1-5-18", home: -1},
		acctLocalService:   {domain: "NT AUTHORITY", name: "LOCAL SERVICE", sid: "S-1-5-19", home: -1},
		acctNetworkService: {domain: "NT AUTHORITY", name: "NETWORK SERVICE", sid: "S-1-5-20", home: -1},
		acctRoot:           {domain: "", name: "root", sid: "", home: -1},
	}
	seen := map[string]bool{}
	nf, nl := len(firstNames), len(lastNames)
	for u := 0; u < w.cfg.Users; u++ {
		h := hash(w.cfg.Seed, 3, uint64(u))
		name := firstNames[h%uint64(nf)] + "." + lastNames[(h>>16)%uint64(nl)]
		for k := 2; seen[name]; k++ {
			name = fmt.Sprintf("%s.%s%d", firstNames[h%uint64(nf)], lastNames[(h>>16)%uint64(nl)], k)
		}
		seen[name] = true
		w.accounts = append(w.accounts, account{
			domain:   domainNetBIOS,
			name:     name,
			sid:      fmt.Sprintf("%s%d", sidPrefix, 1100+u),
			upn:      name + "@" + domainDNS,
			objectID: guidOf(w.cfg.Seed, 4, uint64(u)),
			home:     -1,
		})
	}
}

func (w *world) makeDevices(r *rand.Rand) {
	n := w.cfg.Devices
	w.devices = make([]device, n)
	weights := make([]float64, n)
	nServers := n / 40
	for i := range w.devices {
		d := &w.devices[i]
		h := hash(w.cfg.Seed, 5, uint64(i))
		d.dept = int(h % uint64(len(departments)))
		switch x := (h >> 8) % 100; {
		case i < nServers:
			d.os, d.server = osWinServer, true
			if x < 30 {
				d.os = osLinux
			}
		case x < 52:
			d.os = osWin11
		case x < 88:
			d.os = osWin10
		case x < 97:
			d.os = osMac
		default:
			d.os = osLinux
		}
		d.laptop = !d.server && ((h>>16)%100 < 60 || d.os == osMac)
		prefix := "wks"
		switch {
		case d.server:
			prefix = "srv"
		case d.os == osMac:
			prefix = "mac"
		case d.laptop:
			prefix = "lap"
		}
		d.name = fmt.Sprintf("%s-%04d.corp.%s", prefix, i+1, domainDNS)
		d.id = hexID(40, w.cfg.Seed, 6, uint64(i))
		d.aadID = guidOf(w.cfg.Seed, 8, uint64(i))
		m := hash(w.cfg.Seed, 9, uint64(i))
		d.mac = fmt.Sprintf("00-15-5D-%02X-%02X-%02X", byte(m), byte(m>>8), byte(m>>16))
		switch d.os {
		case osMac:
			d.vendor, d.model = "Apple Inc.", "MacBookPro18,3"
		case osLinux:
			d.vendor, d.model = "Dell Inc.", "PowerEdge R650"
		default:
			if d.laptop {
				d.vendor, d.model = "LENOVO", "ThinkPad T14 Gen 4"
			} else {
				d.vendor, d.model = "Dell Inc.", "OptiPlex 7010"
			}
		}
		if d.server {
			d.dept = -1
		}
		// Activity is heavy-tailed: a few devices talk a lot.
		weights[i] = logNormal(r, 0, 0.8)
		if d.server {
			weights[i] *= 3
		}
	}
	w.devAlias = newAlias(weights)
	// Users mostly stay on their own devices: each user has a home workstation;
	// a workstation has the users whose home it is.
	var clients []int32
	for i, d := range w.devices {
		if !d.server {
			clients = append(clients, int32(i))
		}
	}
	if len(clients) == 0 {
		clients = []int32{0}
	}
	for u := numSystemAccounts; u < len(w.accounts); u++ {
		dev := clients[(u-numSystemAccounts)%len(clients)]
		w.accounts[u].home = dev
		w.accounts[u].dept = w.devices[dev].dept
		w.devices[dev].users = append(w.devices[dev].users, int32(u))
	}
	for i := range w.devices {
		d := &w.devices[i]
		if len(d.users) == 0 && len(w.accounts) > numSystemAccounts && !d.server {
			d.users = []int32{int32(numSystemAccounts + i%(len(w.accounts)-numSystemAccounts))}
		}
	}
}

// deviceIP is the device's IPv4 address on a day (laptops move around the DHCP
// pool; desktops and servers keep theirs).
func (w *world) deviceIP(dev int, day int) uint32 {
	d := &w.devices[dev]
	if d.server {
		return 10<<24 | 0<<16 | uint32(1+dev/250)<<8 | uint32(1+dev%250)
	}
	subnet := uint32(10 + d.dept)
	host := uint32(dev)
	if d.laptop {
		host = uint32(hash(w.cfg.Seed, 10, uint64(dev), uint64(day)) % 60000)
	}
	return 10<<24 | subnet<<16 | (256+host)%65024
}

func appendIPv4(b []byte, ip uint32) []byte {
	for i := 3; i >= 0; i-- {
		v := byte(ip >> (8 * i))
		switch {
		case v >= 100:
			b = append(b, '0'+v/100, '0'+v/10%10, '0'+v%10)
		case v >= 10:
			b = append(b, '0'+v/10, '0'+v%10)
		default:
			b = append(b, '0'+v)
		}
		if i > 0 {
			b = append(b, '.')
		}
	}
	return b
}

func ipString(ip uint32) string { return string(appendIPv4(nil, ip)) }

// hostIP is the public address behind a host (each host has four).
func (w *world) hostIP(host int32, k uint64) uint32 {
	return publicIP(hash(w.cfg.Seed, 11, uint64(host), k&3))
}

// publicIP maps a hash to an address outside the private and reserved ranges.
func publicIP(h uint64) uint32 {
	a := uint32(h%200) + 13 // 13..212
	if a == 100 || a == 127 || a == 169 || a == 172 || a == 192 {
		a++
	}
	return a<<24 | uint32(h>>8)&0xffffff
}
