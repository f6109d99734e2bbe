package schemas

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
)

// defs holds each built-in table as "Name:type" pairs separated by commas, the
// compact form of defender-schemas.md. Add tables here (or in another file's init
// through register).
var defs = map[string]string{
	"DeviceNetworkEvents": `Timestamp:datetime, DeviceId:string, DeviceName:string, ActionType:string,
		RemoteIP:string, RemotePort:int, RemoteUrl:string, LocalIP:string, LocalPort:int, Protocol:string,
		LocalIPType:string, RemoteIPType:string, InitiatingProcessSHA1:string, InitiatingProcessSHA256:string,
		InitiatingProcessMD5:string, InitiatingProcessFileName:string, InitiatingProcessFileSize:long,
		InitiatingProcessVersionInfoCompanyName:string, InitiatingProcessVersionInfoProductName:string,
		InitiatingProcessVersionInfoProductVersion:string, InitiatingProcessVersionInfoInternalFileName:string,
		InitiatingProcessVersionInfoOriginalFileName:string, InitiatingProcessVersionInfoFileDescription:string,
		InitiatingProcessId:long, InitiatingProcessCommandLine:string, InitiatingProcessCreationTime:datetime,
		InitiatingProcessFolderPath:string, InitiatingProcessParentFileName:string, InitiatingProcessParentId:long,
		InitiatingProcessParentCreationTime:datetime, InitiatingProcessAccountDomain:string,
		InitiatingProcessAccountName:string, InitiatingProcessAccountSid:string, InitiatingProcessAccountUpn:string,
		InitiatingProcessAccountObjectId:string, InitiatingProcessIntegrityLevel:string,
		InitiatingProcessTokenElevation:string, InitiatingProcessSessionId:long, IsInitiatingProcessRemoteSession:bool,
		InitiatingProcessRemoteSessionDeviceName:string, InitiatingProcessRemoteSessionIP:string, ReportId:long,
		AppGuardContainerId:string, AdditionalFields:dynamic, BytesSent:long, BytesReceived:long`,
	"DeviceInfo": `Timestamp:datetime, DeviceId:string, DeviceName:string, ClientVersion:string, PublicIP:string,
		OSArchitecture:string, OSPlatform:string, OSBuild:long, OSVersion:string, IsAzureADJoined:bool,
		JoinType:string, AadDeviceId:string, LoggedOnUsers:dynamic, RegistryDeviceTag:string, MachineGroup:string,
		ReportId:long, OnboardingStatus:string, AdditionalFields:dynamic, DeviceCategory:string, DeviceType:string,
		DeviceSubtype:string, Model:string, Vendor:string, OSDistribution:string, OSVersionInfo:string,
		IsInternetFacing:bool, SensorHealthState:string, ExposureLevel:string, AssetValue:string,
		DeviceManualTags:dynamic, DeviceDynamicTags:dynamic`,
	"DeviceLogonEvents": `Timestamp:datetime, DeviceId:string, DeviceName:string, ActionType:string,
		LogonType:string, AccountDomain:string, AccountName:string, AccountSid:string, Protocol:string,
		FailureReason:string, IsLocalAdmin:bool, LogonId:long, RemoteDeviceName:string, RemoteIP:string,
		RemoteIPType:string, RemotePort:int, InitiatingProcessFileName:string, InitiatingProcessAccountName:string,
		ReportId:long, AdditionalFields:dynamic`,
	"DeviceNetworkInfo": `Timestamp:datetime, DeviceId:string, DeviceName:string, NetworkAdapterName:string,
		MacAddress:string, NetworkAdapterType:string, NetworkAdapterStatus:string, TunnelType:string,
		ConnectedNetworks:dynamic, DnsAddresses:dynamic, IPv4Dhcp:string, IPv6Dhcp:string,
		DefaultGateways:dynamic, IPAddresses:dynamic, ReportId:long, NetworkAdapterVendor:string`,
}

var builtins = func() map[string]kusto.Schema {
	all := make(map[string]string, len(defs)+len(moreDefs)+1)
	for name, def := range defs {
		all[name] = def
	}
	for name, def := range moreDefs {
		all[name] = def
	}
	all["DeviceEvents"] = deviceEventsDef
	m := make(map[string]kusto.Schema, len(all))
	for name, def := range all {
		s, err := parseDef(def)
		if err != nil {
			panic(fmt.Sprintf("schemas: built-in table %s: %v", name, err))
		}
		m[name] = s
	}
	return m
}()

func parseDef(def string) (kusto.Schema, error) {
	var s kusto.Schema
	for _, part := range strings.Split(def, ",") {
		part = strings.TrimSpace(part)
		name, typ, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("column %q: want Name:type", part)
		}
		t, ok := kusto.ParseType(strings.TrimSpace(typ))
		if !ok {
			return nil, fmt.Errorf("column %q: unknown type %q", name, typ)
		}
		if s.Index(name) >= 0 {
			return nil, fmt.Errorf("column %q twice", name)
		}
		s = append(s, kusto.Column{Name: strings.TrimSpace(name), Type: t})
	}
	return s, nil
}

// Table returns a copy of the built-in schema of the named table.
func Table(name string) (kusto.Schema, bool) {
	s, ok := builtins[name]
	if !ok {
		return nil, false
	}
	return append(kusto.Schema(nil), s...), true
}

// Names lists the built-in tables in alphabetical order.
func Names() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Catalog is the built-in tables as a table catalog: it has the methods of
// lang.Tables (Table, TableNames), for binding queries without storage.
type Catalog struct{}

// Table returns the built-in schema of the named table.
func (Catalog) Table(name string) (kusto.Schema, bool) { return Table(name) }

// TableNames lists the built-in tables.
func (Catalog) TableNames() []string { return Names() }
