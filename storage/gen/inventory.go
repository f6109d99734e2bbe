package gen

import (
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// The inventory tables generate one batch per day each.

func (w *world) dayStart(day int) int64 {
	return w.start.AddDate(0, 0, day).UnixNano()
}

func jsonStr(s string) string { return strconv.Quote(s) }

// loggedOn is the LoggedOnUsers JSON of a device on a day.
func (w *world) loggedOn(dev, day int) string {
	d := &w.devices[dev]
	var b strings.Builder
	b.WriteByte('[')
	users := d.users
	if w.roams(dev, day) {
		users = append(users[:len(users):len(users)], w.roamer)
	}
	for i, u := range users {
		if i > 0 {
			b.WriteByte(',')
		}
		a := &w.accounts[u]
		b.WriteString(`{"UserName":` + jsonStr(a.name) + `,"DomainName":` + jsonStr(a.domain) + `,"Sid":` + jsonStr(a.sid) + `}`)
	}
	b.WriteByte(']')
	return b.String()
}

// roams reports whether the roaming user signs in on dev on day: every device
// of the roaming set at least once, and a few each day.
func (w *world) roams(dev, day int) bool {
	if w.roamer < 0 {
		return false
	}
	for k, d := range w.roamSet {
		if int(d) == dev {
			return k%max(1, w.cfg.Days) == day || hash(w.cfg.Seed, 30, uint64(dev), uint64(day))%10 == 0
		}
	}
	return false
}

func (w *world) deptName(d *device) string {
	if d.dept < 0 {
		return "Servers"
	}
	return departments[d.dept]
}

func (w *world) genDeviceInfo(day int) (arrow.RecordBatch, error) {
	rb, err := newRowBuilder("DeviceInfo")
	if err != nil {
		return nil, err
	}
	every := int64(w.cfg.DeviceInfoEvery)
	dayNs := int64(24 * time.Hour)
	base := w.dayStart(day)
	for i := range w.devices {
		d := &w.devices[i]
		off := int64(hash(w.cfg.Seed, 20, uint64(i)) % uint64(min(every, dayNs)))
		logged := w.loggedOn(i, day)
		for t := base + off; t < base+dayNs; t += every {
			rb.time("Timestamp", t)
			rb.str("DeviceId", d.id)
			rb.str("DeviceName", d.name)
			rb.str("OSPlatform", osPlatform[d.os])
			rb.str("OSArchitecture", "64-bit")
			switch d.os {
			case osWin11:
				rb.str("ClientVersion", "10.8760.22631.4460")
				rb.long("OSBuild", 22631)
				rb.str("OSVersion", "10.0")
				rb.str("OSVersionInfo", "23H2")
			case osWin10:
				rb.str("ClientVersion", "10.8760.19045.5131")
				rb.long("OSBuild", 19045)
				rb.str("OSVersion", "10.0")
				rb.str("OSVersionInfo", "22H2")
			case osWinServer:
				rb.str("ClientVersion", "10.8760.20348.2849")
				rb.long("OSBuild", 20348)
				rb.str("OSVersion", "10.0")
				rb.str("OSVersionInfo", "21H2")
			case osMac:
				rb.str("ClientVersion", "101.24092.0004")
				rb.str("OSVersion", "15.1")
				rb.str("OSDistribution", "macOS")
			case osLinux:
				rb.str("ClientVersion", "101.24092.0003")
				rb.str("OSVersion", "22.04")
				rb.str("OSDistribution", "Ubuntu")
			}
			windows := d.os == osWin10 || d.os == osWin11 || d.os == osWinServer
			rb.bool("IsAzureADJoined", windows)
			switch {
			case windows && d.laptop:
				rb.str("JoinType", "Azure AD Joined")
			case windows:
				rb.str("JoinType", "Hybrid Azure AD Join")
			}
			if windows {
				rb.str("AadDeviceId", d.aadID)
			}
			pub := publicIP(hash(w.cfg.Seed, 21, uint64(d.dept+1)))
			if d.laptop && hash(w.cfg.Seed, 22, uint64(i), uint64(day))%10 < 3 {
				pub = publicIP(hash(w.cfg.Seed, 23, uint64(i), uint64(day)))
			}
			rb.str("PublicIP", ipString(pub))
			rb.str("LoggedOnUsers", logged)
			rb.str("MachineGroup", w.deptName(d))
			rb.long("ReportId", int64(day)*1_000_000+int64(i)*100+int64((t-base)/int64(time.Hour)))
			rb.str("OnboardingStatus", "Onboarded")
			rb.str("DeviceCategory", "Endpoint")
			if d.server {
				rb.str("DeviceType", "Server")
				rb.str("AssetValue", "High")
			} else {
				rb.str("DeviceType", "Workstation")
				rb.str("AssetValue", "Normal")
			}
			rb.str("Model", d.model)
			rb.str("Vendor", d.vendor)
			rb.bool("IsInternetFacing", d.server && i%7 == 0)
			rb.str("SensorHealthState", "Active")
			rb.str("ExposureLevel", [...]string{"Low", "Low", "Medium", "Medium", "High"}[hash(w.cfg.Seed, 24, uint64(i))%5])
			rb.str("AdditionalFields", "{}")
			rb.str("DeviceManualTags", "[]")
			if d.dept >= 0 && departments[d.dept] == "Executive" {
				rb.str("DeviceDynamicTags", `["VIP"]`)
			} else {
				rb.str("DeviceDynamicTags", "[]")
			}
			rb.end()
		}
	}
	return rb.batch(), nil
}

func (w *world) genNetworkInfo(day int) (arrow.RecordBatch, error) {
	rb, err := newRowBuilder("DeviceNetworkInfo")
	if err != nil {
		return nil, err
	}
	every := int64(w.cfg.DeviceInfoEvery)
	dayNs := int64(24 * time.Hour)
	base := w.dayStart(day)
	for i := range w.devices {
		d := &w.devices[i]
		off := int64(hash(w.cfg.Seed, 25, uint64(i)) % uint64(min(every, dayNs)))
		ip := w.deviceIP(i, day)
		gw := ip&0xffff0000 | 1
		for t := base + off; t < base+dayNs; t += every {
			rb.time("Timestamp", t)
			rb.str("DeviceId", d.id)
			rb.str("DeviceName", d.name)
			switch {
			case d.os == osMac:
				rb.str("NetworkAdapterName", "en0")
				rb.str("NetworkAdapterType", "Wireless80211")
				rb.str("NetworkAdapterVendor", "Apple Inc.")
			case d.os == osLinux:
				rb.str("NetworkAdapterName", "eth0")
				rb.str("NetworkAdapterType", "Ethernet")
				rb.str("NetworkAdapterVendor", "Broadcom Inc.")
			case d.laptop:
				rb.str("NetworkAdapterName", "Wi-Fi")
				rb.str("NetworkAdapterType", "Wireless80211")
				rb.str("NetworkAdapterVendor", "Intel Corporation")
			default:
				rb.str("NetworkAdapterName", "Ethernet")
				rb.str("NetworkAdapterType", "Ethernet")
				rb.str("NetworkAdapterVendor", "Intel Corporation")
			}
			rb.str("MacAddress", d.mac)
			rb.str("NetworkAdapterStatus", "Up")
			rb.str("TunnelType", "None")
			rb.str("ConnectedNetworks", `[{"Name":"corp.contoso.com","Description":"corp.contoso.com","IsConnectedToInternet":true,"Category":"Domain"}]`)
			rb.str("DnsAddresses", `["10.0.0.53"]`)
			rb.str("IPv4Dhcp", "10.0.0.2")
			rb.str("DefaultGateways", `["`+ipString(gw)+`"]`)
			rb.str("IPAddresses", `[{"IPAddress":"`+ipString(ip)+`","SubnetPrefix":16,"AddressType":"Private"}]`)
			rb.long("ReportId", int64(day)*1_000_000+int64(i)*100+int64((t-base)/int64(time.Hour)))
			rb.end()
		}
	}
	return rb.batch(), nil
}

func (w *world) genLogons(day int) (arrow.RecordBatch, error) {
	rb, err := newRowBuilder("DeviceLogonEvents")
	if err != nil {
		return nil, err
	}
	r := newRNG(w.cfg.Seed, 40, uint64(day))
	base := w.dayStart(day)
	weekend := dayWeight(w.start.AddDate(0, 0, day)) < 1
	report := int64(day) * 10_000_000
	logon := func(dev int, acct int32, ts int64, action, logonType, failure string, remote int) {
		d := &w.devices[dev]
		a := &w.accounts[acct]
		report++
		rb.time("Timestamp", ts)
		rb.str("DeviceId", d.id)
		rb.str("DeviceName", d.name)
		rb.str("ActionType", action)
		rb.str("LogonType", logonType)
		rb.str("AccountDomain", a.domain)
		rb.str("AccountName", a.name)
		rb.str("AccountSid", a.sid)
		switch logonType {
		case "Service":
			rb.str("Protocol", "Negotiate")
			rb.str("InitiatingProcessFileName", "services.exe")
		case "RemoteInteractive", "Network":
			rb.str("Protocol", "Kerberos")
			rb.str("InitiatingProcessFileName", "svchost.exe")
		default:
			rb.str("Protocol", "Negotiate")
			rb.str("InitiatingProcessFileName", "lsass.exe")
		}
		rb.str("FailureReason", failure)
		rb.bool("IsLocalAdmin", acct < numSystemAccounts || a.dept == 6 || acct == w.roamer)
		rb.long("LogonId", int64(r.Uint32()))
		if remote >= 0 {
			rd := &w.devices[remote]
			rb.str("RemoteDeviceName", rd.name)
			rb.str("RemoteIP", ipString(w.deviceIP(remote, day)))
			rb.str("RemoteIPType", "Private")
			rb.int("RemotePort", int32(49152+r.IntN(16384)))
		}
		rb.str("InitiatingProcessAccountName", "SYSTEM")
		rb.long("ReportId", report)
		rb.end()
	}
	hourNs := int64(time.Hour)
	for i := range w.devices {
		d := &w.devices[i]
		if d.os != osMac && d.os != osLinux {
			logon(i, acctSystem, base+int64(r.IntN(3600))*int64(time.Second), "LogonSuccess", "Service", "", -1)
		}
		for _, u := range d.users {
			if weekend && r.IntN(10) != 0 {
				continue
			}
			t := base + 7*hourNs + int64(r.Float64()*2.5*float64(hourNs))
			if r.IntN(20) == 0 {
				logon(i, u, t-int64(30+r.IntN(60))*int64(time.Second), "LogonFailed", "Interactive", "InvalidUserNameOrPassword", -1)
			}
			logon(i, u, t, "LogonSuccess", "Interactive", "", -1)
			for k := r.IntN(4); k > 0; k-- {
				logon(i, u, t+int64(r.Float64()*9*float64(hourNs)), "LogonSuccess", "Unlock", "", -1)
			}
		}
	}
	if w.roamer >= 0 {
		home := int(w.accounts[w.roamer].home)
		for _, dv := range w.roamSet {
			if w.roams(int(dv), day) {
				logon(int(dv), w.roamer, base+8*hourNs+int64(r.Float64()*10*float64(hourNs)), "LogonSuccess", "RemoteInteractive", "", home)
			}
		}
	}
	return rb.batch(), nil
}
