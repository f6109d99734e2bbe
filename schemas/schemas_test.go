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
