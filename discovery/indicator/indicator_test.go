package indicator

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	t0  = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
)

func sample() (active, removed []Indicator) {
	mk := func(app, name, domain, action, sev string, groups []string) Indicator {
		return Indicator{
			ExternalID: ExternalID(app, domain), Type: "DomainName", Value: domain, Action: action, Severity: sev,
			Title: "Unsanctioned cloud app: " + name, Description: "Cloud app " + name + " (Cloud storage) is blocked: tagged Unsanctioned by alice on 2026-11-30: data exfiltration risk",
			RecommendedActions: "Use a sanctioned alternative to " + name + ".", Application: name, AppID: app,
			RbacGroups: groups, GenerateAlert: true, Created: t0,
		}
	}
	active = []Indicator{
		mk("dropbox", "Dropbox", "dropbox.com", "Block", "High", []string{"Finance", "HR"}),
		mk("dropbox", "Dropbox", "dropboxusercontent.com", "Block", "High", []string{"Finance", "HR"}),
		mk("mega", "MEGA", "mega.nz", "Block", "High", nil),
		mk("pastebin", "Pastebin", "pastebin.com", "Warn", "Informational", nil),
	}
	r := mk("wetransfer", "WeTransfer", "wetransfer.com", "Block", "High", nil)
	r.Removed, r.RemovedAt = true, now.Add(-time.Hour)
	return active, []Indicator{r}
}

func TestGolden(t *testing.T) {
	active, removed := sample()
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			out, err := Export(f, active, removed, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got := out.Bytes()
			ext := ".txt"
			switch f {
			case "defender-json", "stix":
				ext = ".json"
			case "defender-csv":
				ext = ".csv"
			}
			path := filepath.Join("testdata", f+ext)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", f, diff)
			}
			if !strings.Contains(strings.Join(out.Notes, " "), "within hours") {
				t.Errorf("%s: no propagation note", f)
			}
			switch f {
			case "defender-json", "defender-csv", "stix":
			default:
				if !bytes.Contains(got, []byte("within hours")) {
					t.Errorf("%s: the file does not say blocking takes hours", f)
				}
				if bytes.Contains(got, []byte("pastebin")) || bytes.Contains(got, []byte("wetransfer")) {
					t.Errorf("%s: Warn or removed indicators in a block list", f)
				}
				if len(out.Warnings) != 1 {
					t.Errorf("%s: warnings = %q, want the Warn note", f, out.Warnings)
				}
			}
		})
	}
}

func TestDefenderJSONShape(t *testing.T) {
	active, removed := sample()
	out, err := Export("defender-json", active, removed, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Indicators []map[string]any `json:"Indicators"`
	}
	if err := json.Unmarshal(out.Parts[0], &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Indicators) != 5 {
		t.Fatalf("%d indicators", len(body.Indicators))
	}
	first := body.Indicators[0]
	for _, k := range []string{"indicatorValue", "indicatorType", "action", "title", "description", "severity", "generateAlert", "rbacGroupNames", "recommendedActions", "application"} {
		if _, ok := first[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	last := body.Indicators[4]
	if last["indicatorValue"] != "wetransfer.com" || last["expirationTime"] != "2026-12-01T11:00:00Z" {
		t.Errorf("removal = %v", last)
	}
}

func TestBatching(t *testing.T) {
	var many []Indicator
	for i := 0; i < 1201; i++ {
		d := fmt.Sprintf("host%04d.example.com", i)
		many = append(many, Indicator{ExternalID: ExternalID("x", d), Type: "DomainName", Value: d, Action: "Block", Severity: "High", Created: t0})
	}
	for _, f := range []string{"defender-json", "defender-csv"} {
		out, err := Export(f, many, nil, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Parts) != 3 {
			t.Fatalf("%s: %d parts, want 3", f, len(out.Parts))
		}
		for i, p := range out.Parts {
			n := bytes.Count(p, []byte(`"indicatorValue"`))
			if f == "defender-csv" {
				n = bytes.Count(p, []byte("\nDomainName,"))
			}
			want := []int{500, 500, 201}[i]
			if f == "defender-csv" {
				if !bytes.HasPrefix(p, []byte(CSVHeader+"\n")) {
					t.Errorf("csv part %d lacks the header", i)
				}
			}
			if n != want {
				t.Errorf("%s part %d: %d indicators, want %d", f, i, n, want)
			}
		}
	}
	var tooMany []Indicator
	for i := 0; i <= TenantLimit; i++ {
		tooMany = append(tooMany, Indicator{Value: fmt.Sprintf("h%d.example.com", i)})
	}
	if _, err := Export("hosts", tooMany, nil, Options{Now: now}); err == nil || !strings.Contains(err.Error(), "15000 per tenant") {
		t.Errorf("tenant limit: err = %v", err)
	}
}

func TestCSVHeaderExact(t *testing.T) {
	out, err := Export("defender-csv", nil, nil, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := "IndicatorType,IndicatorValue,ExpirationTime,Action,Severity,Title,Description,RecommendedActions,RbacGroups,Category,MitreTechniques,GenerateAlert\n"
	if string(out.Bytes()) != want {
		t.Errorf("empty CSV = %q", out.Bytes())
	}
}

func TestCheck(t *testing.T) {
	tests := []struct{ in, typ, err string }{
		{"dropbox.com", "DomainName", ""},
		{"Drive.Google.com.", "DomainName", ""},
		{"google.com/drive", "", "path"},
		{"*.dropbox.com", "", "wildcard"},
		{"10.0.0.0/8", "", "CIDR"},
		{"10.1.2.3", "", "internal IP"},
		{"192.168.1.1", "", "internal IP"},
		{"100.64.0.1", "", "internal IP"},
		{"::1", "", "internal IP"},
		{"8.8.8.8", "IpAddress", ""},
		{"2001:4860:4860::8888", "IpAddress", ""},
		{"intranet", "", "fully qualified"},
		{"files.corp", "", "internal names"},
		{"nas.local", "", "internal names"},
		{"bad..name.com", "", "valid host"},
		{"-x.com", "", "valid host"},
		{"", "", "empty"},
	}
	for _, tt := range tests {
		typ, err := Check(tt.in)
		if typ != tt.typ || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Check(%q) = %q, %v; want %q, %q", tt.in, typ, err, tt.typ, tt.err)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := Export("pdf", nil, nil, Options{}); err == nil || !strings.Contains(err.Error(), "defender-json") {
		t.Errorf("err = %v", err)
	}
}

func TestSTIX(t *testing.T) {
	active, removed := sample()
	out, err := Export("stix", active, removed, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateSTIX(out.Bytes()); err != nil {
		t.Fatal(err)
	}
	// Deterministic ids: same external id, same STIX id; different ones differ.
	if STIXID("prowl:dropbox:dropbox.com") != STIXID("prowl:dropbox:dropbox.com") || STIXID("prowl:a:b.com") == STIXID("prowl:a:c.com") {
		t.Error("STIX ids are not deterministic per external id")
	}
	again, _ := Export("stix", active, removed, Options{Now: now.Add(time.Hour)})
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("re-export with the same ledger differs")
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	json.Unmarshal(out.Bytes(), &b)
	if b.Objects[0]["pattern"] != "[domain-name:value = 'dropbox.com']" || b.Objects[4]["revoked"] != true {
		t.Errorf("objects = %v", b.Objects)
	}
}

func TestValidateSTIXRejects(t *testing.T) {
	good := func() map[string]any {
		return map[string]any{
			"type": "indicator", "spec_version": "2.1", "id": STIXID("prowl:x:x.com"),
			"created": "2026-12-01T00:00:00.000Z", "modified": "2026-12-01T00:00:00.000Z",
			"pattern": "[domain-name:value = 'x.com']", "pattern_type": "stix", "valid_from": "2026-12-01T00:00:00.000Z",
		}
	}
	bundle := func(o map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "objects": []any{o}})
		return b
	}
	if err := ValidateSTIX(bundle(good())); err != nil {
		t.Fatalf("good object rejected: %v", err)
	}
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no pattern", func(o map[string]any) { delete(o, "pattern") }, "pattern"},
		{"bad id", func(o map[string]any) { o["id"] = "indicator--123" }, "UUID"},
		{"wrong prefix", func(o map[string]any) { o["id"] = "malware--6ba7b810-9dad-41d1-80b4-00c04fd430c8" }, "indicator--"},
		{"spec", func(o map[string]any) { o["spec_version"] = "2.0" }, "spec_version"},
		{"pattern type", func(o map[string]any) { o["pattern_type"] = "sigma" }, "pattern_type"},
		{"no brackets", func(o map[string]any) { o["pattern"] = "domain-name:value = 'x.com'" }, "want ["},
		{"unquoted", func(o map[string]any) { o["pattern"] = "[domain-name:value = x.com]" }, "quoted"},
		{"bad escape", func(o map[string]any) { o["pattern"] = `[domain-name:value = 'x\n.com']` }, "escape"},
		{"not a domain", func(o map[string]any) { o["pattern"] = "[domain-name:value = 'x com']" }, "not a domain"},
		{"other object", func(o map[string]any) { o["pattern"] = "[file:name = 'x']" }, "not supported"},
		{"time zone", func(o map[string]any) { o["created"] = "2026-12-01T00:00:00+01:00" }, "Z suffix"},
		{"modified early", func(o map[string]any) { o["modified"] = "2026-11-01T00:00:00Z" }, "modified before"},
		{"valid_until", func(o map[string]any) { o["valid_until"] = "2026-11-01T00:00:00Z" }, "valid_until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good()
			tt.edit(o)
			err := ValidateSTIX(bundle(o))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if err := ValidateSTIX([]byte(`{"type":"bundle","id":"bundle--x","objects":[]}`)); err == nil {
		t.Error("bad bundle id accepted")
	}
}
