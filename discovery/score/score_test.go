package score

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prowl-hunt/prowl/discovery/catalog"
)

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func app(facts map[string]any) *catalog.App {
	a := &catalog.App{ID: "x", Name: "X", Attributes: map[string]catalog.Fact{}}
	for k, v := range facts {
		a.Attributes[k] = catalog.Fact{Value: v, Source: "test"}
	}
	return a
}

func TestAppScore(t *testing.T) {
	ten, five := 10.0, 5.0
	_ = five
	tests := []struct {
		name   string
		facts  map[string]any
		set    Settings
		want   *float64
		groups map[string]float64
	}{
		{name: "unscored", facts: nil, want: nil},
		{name: "one safe bool", facts: map[string]any{"soc2": true}, want: &ten, groups: map[string]float64{Compliance: 10}},
		{
			// General: founded 2007 (≥10y → 10), private (5) → 7.5; Compliance: soc2 10, iso false 0 → 5.
			// Total: (2*7.5 + 3*5) / 5 = 6.
			name:   "weighted groups",
			facts:  map[string]any{"founded": 2007.0, "holding": "private", "soc2": true, "iso27001": false},
			want:   ptr(6),
			groups: map[string]float64{General: 7.5, Compliance: 5},
		},
		{
			// Attribute weights: soc2 Very High (4) 10, iso27001 Low (1) 0 → 8.
			name:   "attribute weights",
			facts:  map[string]any{"soc2": true, "iso27001": false},
			set:    Settings{Attributes: map[string]string{"soc2": VeryHigh, "iso27001": Low}},
			want:   ptr(8),
			groups: map[string]float64{Compliance: 8},
		},
		{
			// Unknown counts as zero: Compliance has 12 attributes at Medium, one known 10 → 10/12.
			name:  "unknown zero",
			facts: map[string]any{"soc2": true},
			set:   Settings{Unknown: "zero"},
			want:  ptr(10.0 / 12 * 3 / (2 + 3 + 3 + 2)),
		},
		{name: "ignored group", facts: map[string]any{"soc2": true, "holding": "private"}, set: Settings{Groups: map[string]string{Compliance: Ignored}}, want: &five},
		{name: "exposure", facts: map[string]any{"upload": true, "file_sharing": false}, want: ptr(7.5)},
		{name: "tls and fedramp", facts: map[string]any{"tls_version": "TLS1.2", "fedramp": "moderate"}, want: ptr((8*3 + 7*3) / 6.0)},
		{name: "breach recent", facts: map[string]any{"latest_breach": 2026.0}, want: ptr(0)},
		{name: "breach none", facts: map[string]any{"latest_breach": "none"}, want: &ten},
		{name: "bad value is unknown", facts: map[string]any{"soc2": "yes"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := App(app(tt.facts), &tt.set, now)
			if (r.Total == nil) != (tt.want == nil) || (r.Total != nil && math.Abs(*r.Total-*tt.want) > 1e-9) {
				t.Fatalf("total = %v, want %v", deref(r.Total), deref(tt.want))
			}
			for g, v := range tt.groups {
				if math.Abs(r.Groups[g]-v) > 1e-9 {
					t.Errorf("group %s = %v, want %v", g, r.Groups[g], v)
				}
			}
		})
	}
}

func TestOverride(t *testing.T) {
	a := app(map[string]any{"soc2": true})
	a.Score, a.ScoreNote = ptr(2), "banned"
	r := App(a, nil, now)
	if !r.Override || *r.Total != 2 || r.Note != "banned" || r.Rounded() != "2" {
		t.Fatalf("override = %+v", r)
	}
	if got := App(app(nil), nil, now).Rounded(); got != "unscored" {
		t.Errorf("Rounded = %q", got)
	}
}

func TestEmbeddedScores(t *testing.T) {
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.ByID("dropbox")
	r := App(d, nil, now)
	if r.Total == nil || *r.Total < 5 || *r.Total > 10 {
		t.Errorf("dropbox score = %v", deref(r.Total))
	}
	u, _ := c.ByID("0x0")
	if App(u, nil, now).Total != nil {
		t.Errorf("an app with no facts got a score")
	}
}

func TestSettingsValidate(t *testing.T) {
	bad := []Settings{
		{Attributes: map[string]string{"nope": Low}},
		{Attributes: map[string]string{"soc2": "Huge"}},
		{Groups: map[string]string{"Other": Low}},
		{Unknown: "maybe"},
	}
	for i, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("settings %d validated", i)
		}
	}
	good := Settings{Attributes: map[string]string{"soc2": "very high"}, Unknown: "zero"}
	if err := good.Validate(); err != nil {
		t.Error(err)
	}
}

func TestDeviceRisk(t *testing.T) {
	mb := float64(1 << 20)
	day0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	days := func(ups []float64, txs []float64) []Day {
		var out []Day
		for i := range ups {
			out = append(out, Day{Day: day0.AddDate(0, 0, i), Upload: ups[i] * mb, Tx: txs[i]})
		}
		// Order must not matter.
		out[0], out[len(out)-1] = out[len(out)-1], out[0]
		return out
	}
	tx := []float64{100, 110, 90, 105, 120, 100}
	tests := []struct {
		name   string
		act    DeviceActivity
		level  string
		points int
		reason string
	}{
		{"quiet", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 11}, tx)}, LevelInformational, 0, ""},
		{"night uploader", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 4000}, tx)}, LevelHigh, 5, "upload 3.9 GiB on 2026-11-25 vs daily median 10.0 MiB"},
		// Earlier spikes do not hide a new one: the median ignores them.
		{"repeat uploader", DeviceActivity{Days: days([]float64{10, 3000, 9, 11, 3500, 4000}, tx)}, LevelHigh, 5, "upload 3.9 GiB"},
		{"moderate", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 100}, tx)}, LevelLow, 2, "(z=3.6)"},
		// Below the 25 MiB floor a jump is ordinary work.
		{"small jump", DeviceActivity{Days: days([]float64{1, 1, 1, 1, 1, 40}, tx)}, LevelInformational, 0, ""},
		{"moderate and unsanctioned", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 100}, tx), UnsanctionedApps: 2}, LevelHigh, 5, "used 2 Unsanctioned app(s)"},
		{"busy", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 11}, []float64{100, 110, 90, 105, 120, 500})}, LevelLow, 2, "500 transactions"},
		{"low-score apps", DeviceActivity{Days: days([]float64{10, 12, 9, 11, 10, 11}, tx), LowScoreApps: 4}, LevelLow, 2, "used 4 low-score apps"},
		{"unsanctioned only", DeviceActivity{UnsanctionedApps: 1}, LevelMedium, 3, "used 1 Unsanctioned"},
		{"no baseline", DeviceActivity{Days: days([]float64{10, 4000, 9}, tx[:3])}, LevelInformational, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Device(tt.act)
			if r.Level != tt.level || r.Points != tt.points || !strings.Contains(r.String(), tt.reason) {
				t.Errorf("Device = %+v (%s), want %s with %d points mentioning %q", r, r, tt.level, tt.points, tt.reason)
			}
			if len(r.Reasons) == 0 && r.Points != 0 {
				t.Error("points without reasons")
			}
		})
	}
}

func TestBytes(t *testing.T) {
	for in, want := range map[float64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := Bytes(in); got != want {
			t.Errorf("Bytes(%v) = %q, want %q", in, got, want)
		}
	}
}

func ptr(f float64) *float64 { return &f }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
