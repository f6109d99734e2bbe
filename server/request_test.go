package server

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLeadingSets(t *testing.T) {
	tests := map[string]map[string]any{
		"set notruncation; T | take 1":                      {"notruncation": true},
		"// c\nset truncationmaxrecords = 5;\nset x='y'; T": {"truncationmaxrecords": "5", "x": "y"},
		"T | where x == 'set a;'":                           nil,
		"set notruncation":                                  nil,
	}
	for in, want := range tests {
		if got := leadingSets(in); !cmp.Equal(got, want) {
			t.Errorf("leadingSets(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestOptDuration(t *testing.T) {
	tests := map[string]time.Duration{
		"00:10:00":   10 * time.Minute,
		"1.00:00:00": 24 * time.Hour,
		"90s":        90 * time.Second,
		"2d":         48 * time.Hour,
		"1.5days":    36 * time.Hour,
		"500ticks":   50 * time.Microsecond,
	}
	for in, want := range tests {
		if got, err := optDuration(in); err != nil || got != want {
			t.Errorf("optDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := optDuration("soon"); err == nil {
		t.Error("optDuration(soon) succeeded")
	}
}

func TestCommandClassification(t *testing.T) {
	tests := []struct {
		text          string
		cmd, mutating bool
	}{
		{".show tables", true, false},
		{"  // hi\n.SHOW apps", true, false},
		{".export indicators format=stix", true, false},
		{`.unsanction app "Dropbox"`, true, true},
		{".untag app X", true, true},
		{"DeviceNetworkEvents | take 1", false, true},
	}
	for _, tc := range tests {
		if got := isCommand(tc.text); got != tc.cmd {
			t.Errorf("isCommand(%q) = %v", tc.text, got)
		}
		if tc.cmd {
			if got := mutatingCommand(tc.text); got != tc.mutating {
				t.Errorf("mutatingCommand(%q) = %v", tc.text, got)
			}
		}
	}
}
