package discovery

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/discovery/govern"
	"github.com/prowl-hunt/prowl/discovery/score"
	"github.com/prowl-hunt/prowl/exec/ext"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Install opens discovery on dataDir and registers its KQL surface with the
// engine: scalar functions, stored functions, virtual tables and control
// commands (see doc.go for the list).
func Install(reg ext.Registry, dataDir string, opts ...Option) (*Service, error) {
	s, err := New(dataDir, opts...)
	if err != nil {
		return nil, err
	}
	if err := s.Register(reg); err != nil {
		return nil, err
	}
	return s, nil
}

// Register adds the service's functions, tables and commands to a registry.
func (s *Service) Register(reg ext.Registry) error {
	for _, f := range s.functions() {
		if err := reg.RegisterFunction(f.sig, f.kernel); err != nil {
			return fmt.Errorf("discovery: %w", err)
		}
	}
	stored := s.storedFunctions()
	names := make([]string, 0, len(stored))
	for n := range stored {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := reg.RegisterStoredFunction(n, stored[n]); err != nil {
			return fmt.Errorf("discovery: %w", err)
		}
	}
	tables := []struct {
		name string
		cols kusto.Schema
		src  func() (*rowTable, error)
	}{
		{"CloudAppCatalog", catalogCols, s.catalogTable},
		{"CloudAppTags", tagCols, s.tagsTable},
		{"CloudAppIndicators", indicatorCols, s.indicatorsTable},
	}
	for _, t := range tables {
		src := t.src
		if err := reg.RegisterTable(t.name, t.cols, func(ctx context.Context) (*ext.Table, error) {
			rt, err := src()
			if err != nil {
				return nil, err
			}
			return rt.build()
		}); err != nil {
			return fmt.Errorf("discovery: %w", err)
		}
	}
	cmds := map[string]func(ctx context.Context, cmd *ast.Command) (*rowTable, error){
		"unsanction app":    s.tagCommand(govern.Unsanctioned),
		"sanction app":      s.tagCommand(govern.Sanctioned),
		"monitor app":       s.tagCommand(govern.Monitored),
		"tag app":           s.tagCommand(""),
		"untag app":         s.untagCommand,
		"show apps":         func(context.Context, *ast.Command) (*rowTable, error) { return s.catalogTable() },
		"show tags":         func(context.Context, *ast.Command) (*rowTable, error) { return s.tagsTable() },
		"show indicators":   func(context.Context, *ast.Command) (*rowTable, error) { return s.indicatorsTable() },
		"export indicators": s.exportCommand,
		"apply policies":    s.applyPoliciesCommand,
		"show policies":     func(context.Context, *ast.Command) (*rowTable, error) { return s.policiesTable() },
		"show app":          s.showAppCommand,
	}
	verbs := make([]string, 0, len(cmds))
	for v := range cmds {
		verbs = append(verbs, v)
	}
	sort.Strings(verbs)
	for _, v := range verbs {
		run := cmds[v]
		if err := reg.RegisterCommand(v, func(ctx context.Context, cmd *ast.Command) (*ext.Table, error) {
			rt, err := run(ctx, cmd)
			if err != nil {
				return nil, err
			}
			return rt.build()
		}); err != nil {
			return fmt.Errorf("discovery: %w", err)
		}
	}
	return nil
}

var catalogCols = kusto.Schema{
	{Name: "AppId", Type: kusto.String}, {Name: "Name", Type: kusto.String}, {Name: "Vendor", Type: kusto.String},
	{Name: "Category", Type: kusto.String}, {Name: "Score", Type: kusto.Real}, {Name: "ScoreNote", Type: kusto.String},
	{Name: "Tag", Type: kusto.String}, {Name: "Domains", Type: kusto.Dynamic}, {Name: "DomainCount", Type: kusto.Long},
	{Name: "Facts", Type: kusto.Dynamic}, {Name: "Source", Type: kusto.String}, {Name: "Custom", Type: kusto.Bool},
	{Name: "Notes", Type: kusto.String},
}

func (s *Service) catalogTable() (*rowTable, error) {
	tags, err := s.currentTags()
	if err != nil {
		return nil, err
	}
	idx, err := s.index()
	if err != nil {
		return nil, err
	}
	t := &rowTable{cols: catalogCols}
	for _, a := range idx.cat.Apps() {
		r := s.Score(a)
		note := r.Note
		if r.Total == nil {
			note = "unscored: no known attributes"
		}
		facts := map[string]any{}
		for k, f := range a.Attributes {
			facts[k] = map[string]any{"value": f.Value, "source": f.Source}
		}
		t.add(a.ID, a.Name, a.Vendor, a.Category, r.Total, note, tags[a.ID].Tag, a.AllDomains(),
			int64(len(a.Domains)+len(a.Exact)), facts, a.Source, a.Custom, a.Notes)
	}
	return t, nil
}

var tagCols = kusto.Schema{
	{Name: "AppId", Type: kusto.String}, {Name: "App", Type: kusto.String}, {Name: "Tag", Type: kusto.String},
	{Name: "Reason", Type: kusto.String}, {Name: "Actor", Type: kusto.String}, {Name: "Time", Type: kusto.DateTime},
	{Name: "Groups", Type: kusto.Dynamic},
}

func (s *Service) tagsTable() (*rowTable, error) {
	tags, err := s.tags.All()
	if err != nil {
		return nil, err
	}
	idx, err := s.index()
	if err != nil {
		return nil, err
	}
	t := &rowTable{cols: tagCols}
	for _, tg := range tags {
		name := tg.App
		if a, ok := idx.cat.ByID(tg.App); ok {
			name = a.Name
		}
		groups := tg.Groups
		if groups == nil {
			groups = []string{}
		}
		t.add(tg.App, name, tg.Tag, tg.Reason, tg.Actor, tg.Time, groups)
	}
	return t, nil
}

var indicatorCols = kusto.Schema{
	{Name: "ExternalId", Type: kusto.String}, {Name: "AppId", Type: kusto.String}, {Name: "Application", Type: kusto.String},
	{Name: "IndicatorType", Type: kusto.String}, {Name: "IndicatorValue", Type: kusto.String}, {Name: "Action", Type: kusto.String},
	{Name: "Severity", Type: kusto.String}, {Name: "RbacGroups", Type: kusto.Dynamic}, {Name: "FirstEmitted", Type: kusto.DateTime},
	{Name: "LastEmitted", Type: kusto.DateTime}, {Name: "Removed", Type: kusto.Bool}, {Name: "RemovedAt", Type: kusto.DateTime},
}

func (s *Service) indicatorsTable() (*rowTable, error) {
	entries, err := s.ledger.Entries()
	if err != nil {
		return nil, err
	}
	t := &rowTable{cols: indicatorCols}
	for _, e := range entries {
		ind := e.Indicator
		var removedAt time.Time
		if e.RemovedAt != nil {
			removedAt = *e.RemovedAt
		}
		groups := ind.RbacGroups
		if groups == nil {
			groups = []string{}
		}
		t.add(ind.ExternalID, ind.AppID, ind.Application, ind.Type, ind.Value, ind.Action, ind.Severity, groups,
			e.FirstEmitted, e.LastEmitted, e.RemovedAt != nil, removedAt)
	}
	return t, nil
}

// prop returns a command property as text.
func prop(cmd *ast.Command, name string) (string, bool) {
	for _, p := range cmd.Props {
		if !strings.EqualFold(p.Name, name) {
			continue
		}
		switch v := p.Value.(type) {
		case *ast.Literal:
			if s, ok := v.Value.(string); ok {
				return s, true
			}
			return strings.Trim(v.Text, `"'`), true
		case *ast.Ident:
			return v.Name, true
		}
		return "", true
	}
	return "", false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var tagResultCols = kusto.Schema{
	{Name: "AppId", Type: kusto.String}, {Name: "App", Type: kusto.String}, {Name: "Tag", Type: kusto.String},
	{Name: "PreviousTag", Type: kusto.String}, {Name: "IndicatorsAdded", Type: kusto.Long},
	{Name: "IndicatorsWithdrawn", Type: kusto.Long}, {Name: "Domains", Type: kusto.Dynamic},
}

// tagCommand runs `.unsanction app "X" [, "Y"] [with (reason="...", groups="G1,G2", actor="...")]`;
// with tag "" it is `.tag app "X" with (tag="Custom")`.
func (s *Service) tagCommand(tag string) func(context.Context, *ast.Command) (*rowTable, error) {
	return func(ctx context.Context, cmd *ast.Command) (*rowTable, error) {
		if len(cmd.Args) == 0 {
			return nil, fmt.Errorf(".%s: name the app, e.g. .%s \"Dropbox\" with (reason=\"...\")", cmd.Verb, cmd.Verb)
		}
		t := tag
		if t == "" {
			v, ok := prop(cmd, "tag")
			if !ok {
				return nil, fmt.Errorf(".tag app: give the tag, e.g. with (tag=\"Reviewed\")")
			}
			t = v
		}
		reason, _ := prop(cmd, "reason")
		actor, _ := prop(cmd, "actor")
		g, _ := prop(cmd, "groups")
		out := &rowTable{cols: tagResultCols}
		for _, app := range cmd.Args {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := s.Tag(app, t, reason, splitList(g), actor)
			if err != nil {
				return nil, err
			}
			out.add(r.App.ID, r.App.Name, r.Tag, r.Previous, int64(r.Added), int64(r.Removed), r.App.AllDomains())
			out.msgs = append(out.msgs, r.Messages...)
		}
		return out, nil
	}
}

func (s *Service) untagCommand(ctx context.Context, cmd *ast.Command) (*rowTable, error) {
	if len(cmd.Args) == 0 {
		return nil, fmt.Errorf(".untag app: name the app, e.g. .untag app \"Dropbox\"")
	}
	reason, _ := prop(cmd, "reason")
	actor, _ := prop(cmd, "actor")
	out := &rowTable{cols: tagResultCols}
	for _, app := range cmd.Args {
		r, err := s.Untag(app, reason, actor)
		if err != nil {
			return nil, err
		}
		out.add(r.App.ID, r.App.Name, "", r.Previous, int64(r.Added), int64(r.Removed), r.App.AllDomains())
		out.msgs = append(out.msgs, r.Messages...)
	}
	return out, nil
}

var exportCols = kusto.Schema{{Name: "Part", Type: kusto.Long}, {Name: "Format", Type: kusto.String}, {Name: "Content", Type: kusto.String}}

// exportCommand runs `.export indicators format=stix`: one row per part
// (Defender JSON and CSV split at 500 indicators).
func (s *Service) exportCommand(ctx context.Context, cmd *ast.Command) (*rowTable, error) {
	format, _ := prop(cmd, "format")
	out, err := s.Indicators(format)
	if err != nil {
		return nil, err
	}
	t := &rowTable{cols: exportCols}
	for i, p := range out.Parts {
		t.add(int64(i+1), out.Format, string(p))
	}
	t.msgs = append(append(t.msgs, out.Warnings...), out.Notes...)
	return t, nil
}

var detailCols = kusto.Schema{{Name: "Property", Type: kusto.String}, {Name: "Value", Type: kusto.String}, {Name: "Source", Type: kusto.String}}

// showAppCommand runs `.show app "Dropbox"`: everything known about one app,
// with the source of each fact, its score parts and its hunting query.
func (s *Service) showAppCommand(ctx context.Context, cmd *ast.Command) (*rowTable, error) {
	if len(cmd.Args) != 1 {
		return nil, fmt.Errorf(".show app: name one app, e.g. .show app \"Dropbox\"")
	}
	a, ok, err := s.App(cmd.Args[0])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf(".show app: unknown app %q", cmd.Args[0])
	}
	t := &rowTable{cols: detailCols}
	t.add("Id", a.ID, "")
	t.add("Name", a.Name, "")
	t.add("Vendor", a.Vendor, "")
	t.add("Category", a.Category, "")
	r := s.Score(a)
	t.add("Score", r.Rounded(), r.Note)
	for _, g := range score.Groups {
		if v, ok := r.Groups[g]; ok {
			t.add("Score "+g, fmt.Sprintf("%.1f", v), "")
		}
	}
	names := make([]string, 0, len(a.Attributes))
	for k := range a.Attributes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		label := k
		if at, ok := score.Lookup(k); ok {
			label = at.Label
		}
		t.add(label, fmt.Sprint(a.Attributes[k].Value), a.Attributes[k].Source)
	}
	tags, err := s.currentTags()
	if err != nil {
		return nil, err
	}
	if tg, ok := tags[a.ID]; ok {
		t.add("Tag", tg.Tag, fmt.Sprintf("%s on %s: %s", tg.Actor, tg.Time.UTC().Format(time.RFC3339), tg.Reason))
	}
	t.add("Domains", strings.Join(a.AllDomains(), " "), a.Source)
	if len(a.Paths) > 0 {
		t.add("Paths", strings.Join(a.Paths, " "), "user catalog")
	}
	if a.Notes != "" {
		t.add("Notes", a.Notes, "user catalog")
	}
	q, _ := s.HuntingQuery(a.ID)
	t.add("Hunting query", q, "")
	return t, nil
}

var policyCols = kusto.Schema{
	{Name: "Policy", Type: kusto.String}, {Name: "Template", Type: kusto.String}, {Name: "Enabled", Type: kusto.Bool},
	{Name: "Definition", Type: kusto.Dynamic},
}

func (s *Service) policiesTable() (*rowTable, error) {
	t := &rowTable{cols: policyCols}
	for _, p := range s.settings.Policies {
		t.add(p.Name, p.Template, p.Enabled, p)
	}
	return t, nil
}

var alertCols = kusto.Schema{
	{Name: "Policy", Type: kusto.String}, {Name: "AppId", Type: kusto.String}, {Name: "App", Type: kusto.String},
	{Name: "Time", Type: kusto.DateTime}, {Name: "Reason", Type: kusto.String}, {Name: "Tag", Type: kusto.String},
}

// PoliciesQuery is the query apply policies runs over the period (default the
// last 30 days).
func PoliciesQuery(period string) string {
	return "DeviceNetworkEvents | where Timestamp > ago(" + period + ") | invoke discover_apps()"
}

func (s *Service) applyPoliciesCommand(ctx context.Context, cmd *ast.Command) (*rowTable, error) {
	if s.query == nil {
		return nil, fmt.Errorf(".apply policies: the engine did not give discovery a query function (discovery.WithQuery)")
	}
	period, ok := prop(cmd, "period")
	if !ok {
		period = "30d"
	}
	if _, err := time.ParseDuration(strings.TrimSuffix(period, "d") + "h"); err != nil || !strings.HasSuffix(period, "d") {
		return nil, fmt.Errorf(".apply policies: period %q must be a number of days like 30d", period)
	}
	res, err := s.query(ctx, PoliciesQuery(period))
	if err != nil {
		return nil, fmt.Errorf(".apply policies: %w", err)
	}
	usage, err := UsageFromTable(res)
	if err != nil {
		return nil, fmt.Errorf(".apply policies: %w", err)
	}
	actor, _ := prop(cmd, "actor")
	alerts, err := s.ApplyPolicies(usage, actor)
	if err != nil {
		return nil, err
	}
	t := &rowTable{cols: alertCols}
	for _, a := range alerts {
		t.add(a.Policy, a.App, a.Name, a.Time, a.Reason, a.Tag)
	}
	enabled := 0
	for _, p := range s.settings.Policies {
		if p.Enabled {
			enabled++
		}
	}
	t.msgs = append(t.msgs, fmt.Sprintf("%d enabled policies over %d discovered apps: %d new alert(s)", enabled, len(usage), len(alerts)))
	return t, nil
}

// UsageFromTable converts discover_apps output to policy input. Daily values
// divide by the days between first and last seen (at least one).
func UsageFromTable(t *ext.Table) ([]govern.AppUsage, error) {
	if t == nil || t.Reader == nil {
		return nil, nil
	}
	defer t.Reader.Release()
	idx := func(name string) int { return t.Columns.Index(name) }
	need := []string{"App", "AppId", "Category", "Score", "Users", "Devices", "Transactions", "TotalBytes", "UploadBytes", "FirstSeen", "LastSeen"}
	for _, n := range need {
		if idx(n) < 0 {
			return nil, fmt.Errorf("discover_apps result has no column %s", n)
		}
	}
	var out []govern.AppUsage
	for t.Reader.Next() {
		rec := t.Reader.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			str := func(n string) string {
				if a, ok := rec.Column(idx(n)).(*array.String); ok && a.IsValid(r) {
					return a.Value(r)
				}
				return ""
			}
			i64 := func(n string) int64 {
				if a, ok := rec.Column(idx(n)).(*array.Int64); ok && a.IsValid(r) {
					return a.Value(r)
				}
				return 0
			}
			ts := func(n string) int64 {
				if a, ok := rec.Column(idx(n)).(*array.Timestamp); ok && a.IsValid(r) {
					return int64(a.Value(r))
				}
				return 0
			}
			u := govern.AppUsage{App: str("AppId"), Name: str("App"), Category: str("Category"),
				Users: i64("Users"), Devices: i64("Devices"), Transactions: i64("Transactions")}
			if a, ok := rec.Column(idx("Score")).(*array.Float64); ok && a.IsValid(r) {
				v := a.Value(r)
				u.Score = &v
			}
			days := math.Max(1, math.Ceil(float64(ts("LastSeen")-ts("FirstSeen"))/float64(24*time.Hour)))
			u.DailyBytes = float64(i64("TotalBytes")) / days
			u.DailyUpload = float64(i64("UploadBytes")) / days
			out = append(out, u)
		}
	}
	return out, t.Reader.Err()
}

// DeviceRisk is score.Device, re-exported for callers that have the numbers
// in Go.
func DeviceRisk(d score.DeviceActivity) score.DeviceRisk { return score.Device(d) }
