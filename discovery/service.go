package discovery

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prowl-hunt/prowl/discovery/catalog"
	"github.com/prowl-hunt/prowl/discovery/govern"
	"github.com/prowl-hunt/prowl/discovery/indicator"
	"github.com/prowl-hunt/prowl/discovery/score"
	"github.com/prowl-hunt/prowl/exec/ext"
)

// QueryFunc runs a KQL query for the service (apply policies needs the
// discovered-apps view). The engine passes its own query function.
type QueryFunc func(ctx context.Context, kql string) (*ext.Table, error)

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the clock (tests, reproducible demos).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithActor names the default actor recorded in the audit trail.
func WithActor(actor string) Option { return func(s *Service) { s.actor = actor } }

// WithQuery gives the service a way to run KQL (used by `apply policies`).
func WithQuery(q QueryFunc) Option { return func(s *Service) { s.query = q } }

// WithOwnHosts adds prowl's own endpoints (e.g. the host names `prowl serve`
// answers on) to the never-block list.
func WithOwnHosts(hosts ...string) Option {
	return func(s *Service) {
		for _, h := range hosts {
			if h = catalog.NormalizeHost(h); h != "" {
				s.ownHosts = append(s.ownHosts, govern.NeverBlockEntry{Domain: h, Reason: "prowl's own endpoint"})
			}
		}
	}
}

// Service is cloud discovery over one data directory: the catalog (embedded
// plus the user's), settings, tags, the indicator ledger and policy alerts.
// It is safe for concurrent use.
type Service struct {
	dataDir  string
	settings *govern.Settings
	tags     *govern.Tags
	ledger   *govern.Ledger
	alerts   *govern.Alerts
	never    *govern.NeverBlock
	now      func() time.Time
	actor    string
	query    QueryFunc
	ownHosts []govern.NeverBlockEntry

	mu       sync.Mutex
	tagCache map[string]govern.Tag
	tagStamp string // mtime+size of the tag file the cache was read from

	appsOnce sync.Once
	apps     *appIndex // nil until appIndex first succeeds
	appsErr  error
}

// appIndex is the catalog with every app's total score. Building it (parsing
// the embedded catalog, merging the user's, scoring ~1,000 apps) costs about
// 20 ms, so it happens on first use: opening a database, and every query that
// does not touch discovery, never pays for it.
type appIndex struct {
	cat    *catalog.Catalog
	scores map[string]*float64
}

// New opens discovery on a data directory: it loads the settings
// (<data>/_prowl/settings.json) now, and the catalog (embedded plus
// <data>/_prowl/catalog.json) when first needed.
func New(dataDir string, opts ...Option) (*Service, error) {
	s := &Service{dataDir: dataDir, now: func() time.Time { return time.Now().UTC() }, actor: currentUser()}
	for _, o := range opts {
		o(s)
	}
	var err error
	if s.settings, err = govern.LoadSettings(dataDir); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	s.never = govern.NewNeverBlock(append(append([]govern.NeverBlockEntry(nil), s.settings.NeverBlock...), s.ownHosts...)...)
	s.tags = govern.OpenTags(dataDir)
	s.ledger = govern.OpenLedger(dataDir)
	s.alerts = govern.OpenAlerts(dataDir)
	return s, nil
}

// index returns the catalog and scores, building them on the first call.
func (s *Service) index() (*appIndex, error) {
	s.appsOnce.Do(func() {
		cat, err := catalog.Load(filepath.Join(govern.StateDir(s.dataDir), "catalog.json"))
		if err != nil {
			s.appsErr = fmt.Errorf("discovery: %w", err)
			return
		}
		idx := &appIndex{cat: cat, scores: make(map[string]*float64, len(cat.Apps()))}
		now := s.now()
		for _, a := range cat.Apps() {
			idx.scores[a.ID] = score.App(a, &s.settings.Score, now).Total
		}
		s.apps = idx
	})
	return s.apps, s.appsErr
}

func currentUser() string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}

// Catalog returns the app catalog; the error is a broken user catalog file.
func (s *Service) Catalog() (*catalog.Catalog, error) {
	idx, err := s.index()
	if err != nil {
		return nil, err
	}
	return idx.cat, nil
}

// Settings returns the settings in force.
func (s *Service) Settings() *govern.Settings { return s.settings }

// NeverBlock returns the never-block list in force.
func (s *Service) NeverBlock() *govern.NeverBlock { return s.never }

// App finds an app by id, name, or a URL/host of one of its domains. ok is
// false when none matches; the error is a broken user catalog file.
func (s *Service) App(ref string) (a *catalog.App, ok bool, err error) {
	idx, err := s.index()
	if err != nil {
		return nil, false, err
	}
	a, ok = idx.app(ref)
	return a, ok, nil
}

func (idx *appIndex) app(ref string) (*catalog.App, bool) {
	if a, ok := idx.cat.Lookup(ref); ok {
		return a, true
	}
	return idx.cat.Match(ref)
}

// Score returns an app's risk score with its parts.
func (s *Service) Score(a *catalog.App) score.Result {
	return score.App(a, &s.settings.Score, s.now())
}

// currentTags returns the tags, rereading the file only when it changed.
func (s *Service) currentTags() (map[string]govern.Tag, error) {
	path := filepath.Join(govern.StateDir(s.dataDir), govern.TagsFile)
	stamp := ""
	if fi, err := os.Stat(path); err == nil {
		stamp = fmt.Sprint(fi.ModTime().UnixNano(), fi.Size())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tagCache != nil && stamp == s.tagStamp {
		return s.tagCache, nil
	}
	m, err := s.tags.Map()
	if err != nil {
		return nil, err
	}
	s.tagCache, s.tagStamp = m, stamp
	return m, nil
}

func (s *Service) invalidateTags() {
	s.mu.Lock()
	s.tagCache = nil
	s.mu.Unlock()
}

// TagOf returns an app's current tag ("" when untagged).
func (s *Service) TagOf(appID string) string {
	m, err := s.currentTags()
	if err != nil {
		return ""
	}
	return m[appID].Tag
}

// Tags returns the current tags, sorted by app id.
func (s *Service) Tags() ([]govern.Tag, error) { return s.tags.All() }

// Audit returns the tag audit trail, oldest first.
func (s *Service) Audit() ([]govern.Event, error) { return s.tags.Audit() }

// TagResult says what a tag change did.
type TagResult struct {
	App      *catalog.App
	Tag      string // the new tag; "" after untag
	Previous string
	// Added and Removed count the indicators that appeared and were withdrawn.
	Added, Removed int
	// Active is the app's active indicators after the change.
	Active []indicator.Indicator
	// Messages are warnings and notes for the user.
	Messages []string
}

// ErrNeverBlock is wrapped by the error of a refused tag.
var ErrNeverBlock = errors.New("on the never-block list")

// Tag tags an app (by id, name or domain) as Sanctioned, Unsanctioned,
// Monitored or a custom tag, scoped to device groups (MachineGroup values; none
// means all), records who did it and why, and brings the indicator ledger up to
// date. Unsanctioning an app that serves a never-block host is refused.
func (s *Service) Tag(app, tag, reason string, groups []string, actor string) (*TagResult, error) {
	a, ok, err := s.App(app)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("unknown app %q: not an id, name or domain of the catalog (see CloudAppCatalog)", app)
	}
	if tag, err = govern.CanonicalTag(tag); err != nil {
		return nil, err
	}
	if tag == govern.Unsanctioned {
		for _, d := range a.AllDomains() {
			if host, why, bad := s.never.Conflict(d); bad {
				return nil, fmt.Errorf("cannot unsanction %s: its domain %s overlaps %s (%s), which is %w; block narrower hosts with a custom app in the user catalog instead", a.Name, d, host, why, ErrNeverBlock)
			}
		}
	}
	if actor == "" {
		actor = s.actor
	}
	prev := s.TagOf(a.ID)
	groups = cleanGroups(groups)
	newTag := govern.Tag{App: a.ID, Tag: tag, Reason: reason, Actor: actor, Time: s.now(), Groups: groups}
	// Refuse before storing anything when the result would exceed Defender's
	// per-tenant limit.
	cur, err := s.currentTags()
	if err != nil {
		return nil, err
	}
	next := make(map[string]govern.Tag, len(cur)+1)
	for k, v := range cur {
		next[k] = v
	}
	next[a.ID] = newTag
	if desired, _ := s.desiredFrom(s.apps, next); len(desired) > indicator.TenantLimit {
		return nil, fmt.Errorf("cannot tag %s %s: %d indicators would exceed Defender's limit of %d per tenant", a.Name, tag, len(desired), indicator.TenantLimit)
	}
	if err := s.tags.Set(newTag); err != nil {
		return nil, fmt.Errorf("tag %s: %w", a.Name, err)
	}
	s.invalidateTags()
	return s.afterChange(a, tag, prev)
}

// Untag removes an app's tag; its indicators are withdrawn.
func (s *Service) Untag(app, reason, actor string) (*TagResult, error) {
	a, ok, err := s.App(app)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("unknown app %q: not an id, name or domain of the catalog", app)
	}
	if actor == "" {
		actor = s.actor
	}
	prev := s.TagOf(a.ID)
	if _, err := s.tags.Remove(a.ID, reason, actor, s.now()); err != nil {
		return nil, fmt.Errorf("untag %s: %w", a.Name, err)
	}
	s.invalidateTags()
	return s.afterChange(a, "", prev)
}

func (s *Service) afterChange(a *catalog.App, tag, prev string) (*TagResult, error) {
	before, err := s.ledger.Entries()
	if err != nil {
		return nil, err
	}
	wasActive := map[string]bool{}
	for _, e := range before {
		if e.RemovedAt == nil {
			wasActive[e.Indicator.ExternalID] = true
		}
	}
	active, removed, warnings, err := s.SyncIndicators()
	if err != nil {
		return nil, err
	}
	r := &TagResult{App: a, Tag: tag, Previous: prev, Messages: warnings}
	for _, ind := range active {
		if ind.AppID == a.ID {
			r.Active = append(r.Active, ind)
		}
		if !wasActive[ind.ExternalID] {
			r.Added++
		}
	}
	for _, ind := range removed {
		if wasActive[ind.ExternalID] {
			r.Removed++
		}
	}
	switch {
	case r.Added > 0 || r.Removed > 0:
		r.Messages = append(r.Messages, fmt.Sprintf("%s tagged %q: %d indicator(s) added, %d withdrawn. %s", a.Name, tag, r.Added, r.Removed, indicator.PropagationNote))
	default:
		r.Messages = append(r.Messages, fmt.Sprintf("%s tagged %q: indicators unchanged.", a.Name, tag))
	}
	return r, nil
}

func cleanGroups(groups []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range groups {
		g = strings.TrimSpace(g)
		if g != "" && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}

// DesiredIndicators computes the indicators the current tags call for: Block
// for every domain of an Unsanctioned app, Warn for Monitored apps (when the
// warn setting is on). Domains that cannot be indicators (paths, wildcards,
// internal names) and never-block hosts are left out with a warning.
func (s *Service) DesiredIndicators() ([]indicator.Indicator, []string, error) {
	tags, err := s.currentTags()
	if err != nil {
		return nil, nil, err
	}
	idx, err := s.index()
	if err != nil {
		return nil, nil, err
	}
	out, warnings := s.desiredFrom(idx, tags)
	return out, warnings, nil
}

func (s *Service) desiredFrom(idx *appIndex, tags map[string]govern.Tag) ([]indicator.Indicator, []string) {
	ids := make([]string, 0, len(tags))
	for id := range tags {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []indicator.Indicator
	var warnings []string
	for _, id := range ids {
		t := tags[id]
		action := ""
		switch {
		case t.Tag == govern.Unsanctioned:
			action = "Block"
		case t.Tag == govern.Monitored && s.settings.Warn():
			action = "Warn"
		default:
			continue
		}
		a, ok := idx.cat.ByID(id)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("tagged app %q is no longer in the catalog; no indicators", id))
			continue
		}
		for _, p := range a.Paths {
			warnings = append(warnings, fmt.Sprintf("%s: skipped %s: an entry with a path cannot be an indicator (only host names)", a.Name, p))
		}
		for _, d := range a.AllDomains() {
			typ, err := indicator.Check(d)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: skipped %v", a.Name, err))
				continue
			}
			if host, why, bad := s.never.Conflict(d); bad {
				warnings = append(warnings, fmt.Sprintf("%s: skipped %s: overlaps never-block host %s (%s)", a.Name, d, host, why))
				continue
			}
			out = append(out, s.makeIndicator(a, t, action, typ, d))
		}
	}
	return out, warnings
}

func (s *Service) makeIndicator(a *catalog.App, t govern.Tag, action, typ, domain string) indicator.Indicator {
	sev, verb := s.settings.Severity(), "blocked"
	if action == "Warn" {
		sev, verb = "Informational", "monitored (users are warned)"
	}
	desc := fmt.Sprintf("Cloud app %s (%s) is %s: tagged %s by %s on %s", a.Name, a.Category, verb, t.Tag, t.Actor, t.Time.UTC().Format("2006-01-02"))
	if t.Reason != "" {
		desc += ": " + t.Reason
	}
	ind := indicator.Indicator{
		ExternalID:         indicator.ExternalID(a.ID, domain),
		Type:               typ,
		Value:              domain,
		Action:             action,
		Severity:           sev,
		Title:              fmt.Sprintf("%s cloud app: %s", t.Tag, a.Name),
		Description:        desc,
		RecommendedActions: fmt.Sprintf("Use a sanctioned alternative to %s; ask the security team to review the app if it is needed.", a.Name),
		Application:        a.Name,
		AppID:              a.ID,
		RbacGroups:         t.Groups,
		GenerateAlert:      true,
	}
	if n := s.settings.ExpirationDays; n > 0 {
		exp := t.Time.Add(time.Duration(n) * 24 * time.Hour)
		ind.Expiration = &exp
	}
	return ind
}

// SyncIndicators brings the ledger in line with the current tags and returns
// the active indicators, every withdrawn one, and warnings.
func (s *Service) SyncIndicators() (active, removed []indicator.Indicator, warnings []string, err error) {
	desired, warnings, err := s.DesiredIndicators()
	if err != nil {
		return nil, nil, nil, err
	}
	active, removed, err = s.ledger.Sync(desired, s.now())
	return active, removed, warnings, err
}

// Indicators renders the current indicator set (and the withdrawals) in a
// format of indicator.Formats. Emitting again without a tag change gives the
// same indicators with the same ids.
func (s *Service) Indicators(format string) (*indicator.Output, error) {
	if format == "" {
		format = "defender-json"
	}
	known := false
	for _, f := range indicator.Formats {
		known = known || f == format
	}
	if !known {
		return nil, fmt.Errorf("unknown indicator format %q (one of %s)", format, strings.Join(indicator.Formats, ", "))
	}
	active, removed, warnings, err := s.SyncIndicators()
	if err != nil {
		return nil, err
	}
	out, err := indicator.Export(format, active, removed, indicator.Options{Now: s.now()})
	if err != nil {
		return nil, err
	}
	out.Warnings = append(warnings, out.Warnings...)
	return out, nil
}

// Ledger returns the ledger entries.
func (s *Service) Ledger() ([]govern.LedgerEntry, error) { return s.ledger.Entries() }

// ApplyPolicies evaluates the enabled discovery policies over app usage,
// records the alerts (at most one per policy and app per 90 days) and applies
// their tags.
func (s *Service) ApplyPolicies(usage []govern.AppUsage, actor string) ([]govern.Alert, error) {
	alerts, err := s.alerts.Evaluate(s.settings.Policies, usage, s.now())
	if err != nil {
		return nil, err
	}
	for i := range alerts {
		al := &alerts[i]
		if al.Tag == "" {
			continue
		}
		if _, err := s.Tag(al.App, al.Tag, "discovery policy "+al.Policy+": "+al.Reason, nil, actor); err != nil {
			al.Reason += " (tag not applied: " + err.Error() + ")"
		}
	}
	return alerts, nil
}

// HuntingQuery is the per-app investigation query: the app's domains as a
// `RemoteUrl in (...)` filter over DeviceNetworkEvents (portable to Defender
// advanced hunting), widened with prowl's cloud_app_id so subdomains and full
// URLs match too.
func (s *Service) HuntingQuery(ref string) (string, error) {
	a, ok, err := s.App(ref)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("unknown app %q", ref)
	}
	doms := a.AllDomains()
	q := make([]string, len(doms))
	for i, d := range doms {
		q[i] = kqlString(d)
	}
	return fmt.Sprintf("DeviceNetworkEvents\n| where RemoteUrl in~ (%s)\n    or cloud_app_id(RemoteUrl) == %s\n| order by Timestamp desc",
		strings.Join(q, ", "), kqlString(a.ID)), nil
}
