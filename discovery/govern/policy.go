package govern

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prowl-hunt/prowl/discovery/catalog"
	"github.com/prowl-hunt/prowl/discovery/score"
)

// AlertInterval is how long a policy stays quiet about an app after alerting.
const AlertInterval = 90 * 24 * time.Hour

// Policy is a discovery policy: filters over app attributes and usage, and an
// optional tag to apply to the apps that match. Every threshold is strict
// (score below MaxScore, users above MinUsers, ...); zero thresholds are off.
type Policy struct {
	Name     string `json:"name"`
	Template string `json:"template,omitempty"`
	Enabled  bool   `json:"enabled"`
	// Categories restricts the policy to apps of these categories.
	Categories []string `json:"categories,omitempty"`
	// MaxScore matches apps scored below it; unscored apps never match it.
	MaxScore *float64 `json:"max_score,omitempty"`
	// Usage thresholds; daily values are averages over the days in the period.
	MinUsers        int64   `json:"min_users,omitempty"`
	MinDevices      int64   `json:"min_devices,omitempty"`
	MinTransactions int64   `json:"min_transactions,omitempty"`
	MinDailyBytes   float64 `json:"min_daily_bytes,omitempty"`
	MinDailyUpload  float64 `json:"min_daily_upload,omitempty"`
	// Tag is the action: tag matching apps (empty: alert only).
	Tag string `json:"tag,omitempty"`
}

const mb = 1000 * 1000

// Templates returns the shipped policy templates, all disabled.
func Templates() []Policy {
	six := 6.0
	return []Policy{
		{Name: "New risky app", Template: "new-risky-app", MaxScore: &six, MinUsers: 50, MinDailyBytes: 50 * mb},
		{Name: "New popular app", Template: "new-popular-app", MinUsers: 500},
		{Name: "New high-upload app", Template: "new-high-upload-app", MinDailyUpload: 500 * mb},
	}
}

// Validate checks a policy.
func (p *Policy) Validate() error {
	if p.Name == "" {
		return fmt.Errorf("policy without a name")
	}
	for _, c := range p.Categories {
		if _, ok := catalog.IsCategory(c); !ok {
			return fmt.Errorf("policy %q: unknown category %q", p.Name, c)
		}
	}
	if p.Tag != "" {
		if _, err := CanonicalTag(p.Tag); err != nil {
			return fmt.Errorf("policy %q: %w", p.Name, err)
		}
	}
	return nil
}

// AppUsage is one app's usage over a period, as discover_apps reports it.
type AppUsage struct {
	App          string // catalog app id
	Name         string
	Category     string
	Score        *float64
	Users        int64
	Devices      int64
	Transactions int64
	DailyBytes   float64
	DailyUpload  float64
}

// Match reports whether the app's usage matches the policy and why.
func (p *Policy) Match(u AppUsage) (bool, []string) {
	var why []string
	if len(p.Categories) > 0 {
		ok := false
		for _, c := range p.Categories {
			ok = ok || strings.EqualFold(c, u.Category)
		}
		if !ok {
			return false, nil
		}
		why = append(why, "category "+u.Category)
	}
	if p.MaxScore != nil {
		if u.Score == nil || *u.Score >= *p.MaxScore {
			return false, nil
		}
		why = append(why, fmt.Sprintf("score %.1f < %g", *u.Score, *p.MaxScore))
	}
	check := func(v, min float64, label string, format func(float64) string) bool {
		if min == 0 {
			return true
		}
		if v <= min {
			return false
		}
		why = append(why, fmt.Sprintf("%s %s > %s", label, format(v), format(min)))
		return true
	}
	count := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	bytes := func(f float64) string { return fmt.Sprintf("%.0f MB", f/mb) }
	if !check(float64(u.Users), float64(p.MinUsers), "users", count) ||
		!check(float64(u.Devices), float64(p.MinDevices), "devices", count) ||
		!check(float64(u.Transactions), float64(p.MinTransactions), "transactions", count) ||
		!check(u.DailyBytes, p.MinDailyBytes, "daily traffic", bytes) ||
		!check(u.DailyUpload, p.MinDailyUpload, "daily upload", bytes) {
		return false, nil
	}
	return true, why
}

// Alert is a policy match that was reported.
type Alert struct {
	Policy string    `json:"policy"`
	App    string    `json:"app"`
	Name   string    `json:"name"`
	Time   time.Time `json:"time"`
	Reason string    `json:"reason"`
	Tag    string    `json:"tag,omitempty"`
}

// AlertsFile is the policy alert state file name in the state directory.
const AlertsFile = "alerts.json"

// Alerts remembers when each policy last alerted on each app.
type Alerts struct {
	mu   sync.Mutex
	path string
}

// OpenAlerts opens the alert state of a data directory.
func OpenAlerts(dataDir string) *Alerts {
	return &Alerts{path: filepath.Join(StateDir(dataDir), AlertsFile)}
}

type alertsFile struct {
	Last    map[string]time.Time `json:"last"` // policy \x1f app → last alert
	History []Alert              `json:"history"`
}

// Evaluate runs the enabled policies over the usage and returns the new alerts:
// a policy alerts at most once per app per AlertInterval. The alerts are
// recorded; applying their tags is the caller's job.
func (a *Alerts) Evaluate(policies []Policy, usage []AppUsage, now time.Time) ([]Alert, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	unlock, err := lockState(a.path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	f := &alertsFile{}
	if err := readJSON(a.path, f); err != nil {
		return nil, err
	}
	if f.Last == nil {
		f.Last = map[string]time.Time{}
	}
	var out []Alert
	for _, p := range policies {
		if !p.Enabled {
			continue
		}
		for _, u := range usage {
			ok, why := p.Match(u)
			if !ok {
				continue
			}
			key := p.Name + "\x1f" + u.App
			if last, seen := f.Last[key]; seen && now.Sub(last) < AlertInterval {
				continue
			}
			f.Last[key] = now
			al := Alert{Policy: p.Name, App: u.App, Name: u.Name, Time: now, Reason: strings.Join(why, ", "), Tag: p.Tag}
			out = append(out, al)
			f.History = append(f.History, al)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].App < out[j].App })
	return out, writeJSON(a.path, f)
}

// History returns every alert so far, oldest first.
func (a *Alerts) History() ([]Alert, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := &alertsFile{}
	if err := readJSON(a.path, f); err != nil {
		return nil, err
	}
	return f.History, nil
}

// ScoreOf is a helper for building AppUsage: the app's score total.
func ScoreOf(app *catalog.App, s *score.Settings, now time.Time) *float64 {
	return score.App(app, s, now).Total
}
