package govern

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/discovery/indicator"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func TestTagsDurableAndAudited(t *testing.T) {
	dir := t.TempDir()
	tags := OpenTags(dir)
	if err := tags.Set(Tag{App: "dropbox", Tag: Unsanctioned, Reason: "exfil", Actor: "alice", Time: t0, Groups: []string{"Finance"}}); err != nil {
		t.Fatal(err)
	}
	if err := tags.Set(Tag{App: "dropbox", Tag: Monitored, Reason: "softer", Actor: "bob", Time: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := tags.Set(Tag{App: "slack", Tag: Sanctioned, Actor: "alice", Time: t0}); err != nil {
		t.Fatal(err)
	}
	// A new store over the same directory (a restart) sees the last action.
	again := OpenTags(dir)
	all, err := again.All()
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{
		{App: "dropbox", Tag: Monitored, Reason: "softer", Actor: "bob", Time: t0.Add(time.Minute)},
		{App: "slack", Tag: Sanctioned, Actor: "alice", Time: t0},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	had, err := again.Remove("slack", "done", "carol", t0.Add(time.Hour))
	if err != nil || !had {
		t.Fatalf("Remove = %v, %v", had, err)
	}
	audit, _ := again.Audit()
	if len(audit) != 4 || audit[3].Action != "untag" || audit[3].Actor != "carol" || audit[3].Tag != Sanctioned || audit[0].Groups[0] != "Finance" {
		t.Errorf("audit = %+v", audit)
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(StateDir(dir))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestTagsConcurrent(t *testing.T) {
	tags := OpenTags(t.TempDir())
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := tags.Set(Tag{App: string(rune('a' + i)), Tag: Monitored, Time: t0}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	all, _ := tags.All()
	audit, _ := tags.Audit()
	if len(all) != 20 || len(audit) != 20 {
		t.Errorf("%d tags, %d audit events after 20 concurrent sets", len(all), len(audit))
	}
}

// Separate stores over one directory stand in for separate processes: the
// state-directory lock keeps their read-modify-write cycles from interleaving.
func TestTagsSeparateStores(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := OpenTags(dir).Set(Tag{App: fmt.Sprint("app", i), Tag: Monitored, Time: t0}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if all, _ := OpenTags(dir).All(); len(all) != 16 {
		t.Errorf("%d tags survived 16 writers", len(all))
	}
}

func TestCorruptStateIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(StateDir(dir), TagsFile), []byte("{not json"), 0o644)
	if _, err := OpenTags(dir).All(); err == nil || !strings.Contains(err.Error(), TagsFile) {
		t.Errorf("err = %v", err)
	}
}

func TestCanonicalTag(t *testing.T) {
	for in, want := range map[string]string{"unsanctioned": Unsanctioned, " SANCTIONED ": Sanctioned, "monitored": Monitored, "Needs review": "Needs review"} {
		got, err := CanonicalTag(in)
		if err != nil || got != want {
			t.Errorf("CanonicalTag(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 65), "a\x00b"} {
		if _, err := CanonicalTag(bad); err == nil {
			t.Errorf("CanonicalTag(%q) accepted", bad)
		}
	}
}

func TestNeverBlock(t *testing.T) {
	nb := NewNeverBlock(NeverBlockEntry{Domain: "prowl.example.org", Reason: "prowl's own endpoint"},
		NeverBlockEntry{Domain: "https://Hunt.Example.NET:8443/v1/", Reason: "a URL counts as its host"})
	tests := []struct {
		domain, host string
		bad          bool
	}{
		{"login.microsoftonline.com", "login.microsoftonline.com", true},
		{"microsoftonline.com", "device.login.microsoftonline.com", true}, // blocking the parent blocks sign-in
		{"download.windowsupdate.com", "windowsupdate.com", true},         // under a protected domain
		{"example.org", "prowl.example.org", true},
		{"dropbox.com", "", false},
		{"microsoft.com.evil.net", "", false},
		{"Example.NET.", "hunt.example.net", true},
	}
	for _, tt := range tests {
		host, why, bad := nb.Conflict(tt.domain)
		if bad != tt.bad || (bad && (host != tt.host || why == "")) {
			t.Errorf("Conflict(%q) = %q, %q, %v", tt.domain, host, why, bad)
		}
	}
}

func ind(app, domain, action string) indicator.Indicator {
	return indicator.Indicator{ExternalID: indicator.ExternalID(app, domain), Type: "DomainName", Value: domain, Action: action, AppID: app}
}

func TestLedger(t *testing.T) {
	dir := t.TempDir()
	l := OpenLedger(dir)
	first := []indicator.Indicator{ind("dropbox", "dropbox.com", "Block"), ind("dropbox", "db.tt", "Block")}
	active, removed, err := l.Sync(first, t0)
	if err != nil || len(active) != 2 || len(removed) != 0 || !active[0].Created.Equal(t0) {
		t.Fatalf("first sync: %v %v %v", active, removed, err)
	}
	// Idempotent: same set later keeps ids and creation times.
	active2, removed2, err := l.Sync(first, t0.Add(time.Hour))
	if err != nil || !cmp.Equal(active, active2) || len(removed2) != 0 {
		t.Fatalf("re-sync changed: %v", cmp.Diff(active, active2))
	}
	// Untag: exactly the removals.
	active3, removed3, err := OpenLedger(dir).Sync([]indicator.Indicator{ind("mega", "mega.nz", "Block")}, t0.Add(2*time.Hour))
	if err != nil || len(active3) != 1 || len(removed3) != 2 {
		t.Fatalf("after untag: %v %v %v", active3, removed3, err)
	}
	for _, r := range removed3 {
		if !r.Removed || !r.RemovedAt.Equal(t0.Add(2*time.Hour)) || r.AppID != "dropbox" {
			t.Errorf("removal = %+v", r)
		}
	}
	// Re-adding revives the entry with a new creation time.
	active4, removed4, _ := l.Sync(append(first[:1:1], ind("mega", "mega.nz", "Block")), t0.Add(3*time.Hour))
	if len(active4) != 2 || len(removed4) != 1 || removed4[0].Value != "db.tt" {
		t.Errorf("revive: %v %v", active4, removed4)
	}
	var over []indicator.Indicator
	for i := 0; i <= indicator.TenantLimit; i++ {
		over = append(over, ind("x", "h"+string(rune(i))+".example.com", "Block"))
	}
	if _, _, err := l.Sync(over, t0); err == nil || !strings.Contains(err.Error(), "per tenant") {
		t.Errorf("limit: %v", err)
	}
}

func TestPolicies(t *testing.T) {
	tpl := Templates()
	if len(tpl) != 3 {
		t.Fatalf("%d templates", len(tpl))
	}
	for _, p := range tpl {
		if p.Enabled {
			t.Errorf("template %s is enabled by default", p.Name)
		}
	}
	four, eight := 4.0, 8.0
	risky := AppUsage{App: "mega", Name: "MEGA", Category: "Cloud storage", Score: &four, Users: 60, DailyBytes: 80 * mb}
	safe := AppUsage{App: "box", Name: "Box", Category: "Cloud storage", Score: &eight, Users: 600, DailyBytes: 80 * mb}
	unscored := AppUsage{App: "x", Name: "X", Users: 600, DailyUpload: 900 * mb}
	for i := range tpl {
		tpl[i].Enabled = true
	}
	tpl[0].Tag = Unsanctioned
	if ok, why := tpl[0].Match(risky); !ok || !strings.Contains(strings.Join(why, ","), "score 4.0 < 6") {
		t.Errorf("risky: %v %v", ok, why)
	}
	if ok, _ := tpl[0].Match(safe); ok {
		t.Error("safe app matched the risky-app policy")
	}
	if ok, _ := tpl[0].Match(unscored); ok {
		t.Error("unscored app matched a score filter")
	}
	a := OpenAlerts(t.TempDir())
	alerts, err := a.Evaluate(tpl, []AppUsage{risky, safe, unscored}, t0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, al := range alerts {
		got[al.Policy+"/"+al.App] = true
	}
	want := map[string]bool{"New risky app/mega": true, "New popular app/box": true, "New popular app/x": true, "New high-upload app/x": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	// Quiet for 90 days, then alerts again.
	if again, _ := a.Evaluate(tpl, []AppUsage{risky}, t0.Add(89*24*time.Hour)); len(again) != 0 {
		t.Errorf("re-alerted within 90 days: %v", again)
	}
	if later, _ := a.Evaluate(tpl, []AppUsage{risky}, t0.Add(91*24*time.Hour)); len(later) != 1 || later[0].Tag != Unsanctioned {
		t.Errorf("after 90 days: %v", later)
	}
	hist, _ := a.History()
	if len(hist) != 5 {
		t.Errorf("history has %d alerts", len(hist))
	}
}

func TestSettings(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadSettings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Warn() || s.Window() != 3*time.Hour || s.Severity() != "High" || len(s.Policies) != 3 {
		t.Errorf("defaults = %+v", s)
	}
	os.MkdirAll(StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(StateDir(dir), SettingsFile), []byte(`{"warn_monitored": false, "propagation_window": "90m", "score": {"unknown": "zero"},
	  "policies": [{"name": "GenAI", "enabled": true, "categories": ["Generative AI"], "min_users": 10, "tag": "Monitored"}]}`), 0o644)
	s, err = LoadSettings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Warn() || s.Window() != 90*time.Minute || s.Score.Unknown != "zero" || len(s.Policies) != 1 {
		t.Errorf("loaded = %+v", s)
	}
	for _, bad := range []string{`{"propagation_window": "soon"}`, `{"score": {"unknown": "maybe"}}`, `{"policies": [{"name": "x", "categories": ["Nope"]}]}`, `{"block_severity": "Severe"}`} {
		os.WriteFile(filepath.Join(StateDir(dir), SettingsFile), []byte(bad), 0o644)
		if _, err := LoadSettings(dir); err == nil {
			t.Errorf("settings %s accepted", bad)
		}
	}
}
