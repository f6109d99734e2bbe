package schemas

import (
	"testing"

	"github.com/prowl-hunt/prowl/kusto"
)

func TestDeviceNetworkEvents(t *testing.T) {
	s, ok := Table("DeviceNetworkEvents")
	if !ok {
		t.Fatal("DeviceNetworkEvents missing")
	}
	if got := len(s); got != 46 {
		t.Errorf("DeviceNetworkEvents has %d columns, want 46", got)
	}
	checks := map[string]kusto.Type{"Timestamp": kusto.DateTime, "RemotePort": kusto.Int, "BytesSent": kusto.Long, "AdditionalFields": kusto.Dynamic, "IsInitiatingProcessRemoteSession": kusto.Bool}
	for name, want := range checks {
		i := s.Index(name)
		if i < 0 || s[i].Type != want {
			t.Errorf("column %s: index %d, want type %v", name, i, want)
		}
	}
	for _, n := range Names() {
		if s, _ := Table(n); s.Index("Timestamp") != 0 {
			t.Errorf("table %s: Timestamp is not the first column", n)
		}
	}
}

func TestDefenderTables(t *testing.T) {
	want := map[string]map[string]kusto.Type{
		"DeviceProcessEvents":  {"ProcessCommandLine": kusto.String, "ProcessId": kusto.Long, "InitiatingProcessParentFileName": kusto.String},
		"DeviceFileEvents":     {"FileOriginUrl": kusto.String, "RequestSourcePort": kusto.Int, "FileSize": kusto.Long},
		"DeviceRegistryEvents": {"RegistryKey": kusto.String, "RegistryValueData": kusto.String},
		"DeviceEvents":         {"AdditionalFields": kusto.Dynamic, "RemotePort": kusto.Int, "ProcessCommandLine": kusto.String},
		"EmailEvents":          {"NetworkMessageId": kusto.String, "AttachmentCount": kusto.Int, "BulkComplaintLevel": kusto.Int},
		"IdentityLogonEvents":  {"AccountUpn": kusto.String, "Port": kusto.String},
		"CloudAppEvents":       {"RawEventData": kusto.Dynamic, "IsAnonymousProxy": kusto.Bool, "ApplicationId": kusto.Int},
		"AlertInfo":            {"AlertId": kusto.String, "Severity": kusto.String},
		"UrlClickEvents":       {"IsClickedThrough": kusto.Bool},
	}
	for table, cols := range want {
		s, ok := Table(table)
		if !ok {
			t.Errorf("table %s missing", table)
			continue
		}
		for name, typ := range cols {
			if i := s.Index(name); i < 0 || s[i].Type != typ {
				t.Errorf("%s.%s: index %d, want type %v", table, name, i, typ)
			}
		}
	}
	var c Catalog
	if _, ok := c.Table("DeviceInfo"); !ok || len(c.TableNames()) != len(Names()) {
		t.Errorf("Catalog does not expose the built-in tables")
	}
}
