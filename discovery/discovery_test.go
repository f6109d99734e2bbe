package discovery

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/discovery/catalog"
	"github.com/prowl-hunt/prowl/discovery/govern"
	"github.com/prowl-hunt/prowl/discovery/indicator"
	"github.com/prowl-hunt/prowl/exec/ext"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fakeRegistry records what Install registers.
type fakeRegistry struct {
	funcs    map[string]*lang.FuncSig
	kernels  map[string]fn.Kernel
	stored   map[string]string
	tables   map[string]ext.TableSource
	schemas  map[string]kusto.Schema
	commands map[string]ext.CommandFunc
}

func newFake() *fakeRegistry {
	return &fakeRegistry{funcs: map[string]*lang.FuncSig{}, kernels: map[string]fn.Kernel{}, stored: map[string]string{},
		tables: map[string]ext.TableSource{}, schemas: map[string]kusto.Schema{}, commands: map[string]ext.CommandFunc{}}
}

func (f *fakeRegistry) RegisterFunction(sig *lang.FuncSig, k fn.Kernel) error {
	if _, dup := f.funcs[sig.Name]; dup {
		return errors.New("dup " + sig.Name)
	}
	f.funcs[sig.Name], f.kernels[sig.Name] = sig, k
	return nil
}
func (f *fakeRegistry) RegisterStoredFunction(name, text string) error {
	f.stored[name] = text
	return nil
}
func (f *fakeRegistry) RegisterTable(name string, cols kusto.Schema, src ext.TableSource) error {
	f.tables[name], f.schemas[name] = src, cols
	return nil
}
func (f *fakeRegistry) RegisterCommand(verb string, run ext.CommandFunc) error {
	f.commands[verb] = run
	return nil
}

func install(t *testing.T, opts ...Option) (*Service, *fakeRegistry, string) {
	t.Helper()
	dir := t.TempDir()
	reg := newFake()
	s, err := Install(reg, dir, append([]Option{WithClock(func() time.Time { return now }), WithActor("tester")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s, reg, dir
}

func strArr(vals ...string) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for _, v := range vals {
		b.Append(v)
	}
	return b.NewArray()
}

func call(t *testing.T, reg *fakeRegistry, name string, vals ...string) arrow.Array {
	t.Helper()
	sig := reg.funcs[name]
	if _, err := sig.Result([]kusto.Type{kusto.String}); err != nil {
		t.Fatal(err)
	}
	out, err := reg.kernels[name](&fn.Context{Mem: memory.DefaultAllocator, Now: now}, []fn.Arg{{Type: kusto.String, Array: strArr(vals...)}}, len(vals), kusto.String)
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != len(vals) {
		t.Fatalf("%s returned %d values for %d", name, out.Len(), len(vals))
	}
	return out
}

func strings_(a arrow.Array) []string {
	s := a.(*array.String)
	out := make([]string, s.Len())
	for i := range out {
		out[i] = s.Value(i)
	}
	return out
}

func TestScalarFunctions(t *testing.T) {
	s, reg, _ := install(t)
	in := []string{"https://dl.dropboxusercontent.com/s/x?dl=1", "github.com", "intranet.contoso.local", "", "Dropbox"}
	if got := strings_(call(t, reg, "cloud_app", in...)); !cmp.Equal(got, []string{"Dropbox", "GitHub", "", "", ""}) {
		t.Errorf("cloud_app = %q", got)
	}
	if got := strings_(call(t, reg, "cloud_app_id", in...)); !cmp.Equal(got, []string{"dropbox", "github", "", "", "dropbox"}) {
		t.Errorf("cloud_app_id = %q", got)
	}
	if got := strings_(call(t, reg, "cloud_app_category", "Dropbox", "openai.com", "nothing")); !cmp.Equal(got, []string{"Cloud storage", "Generative AI", ""}) {
		t.Errorf("cloud_app_category = %q", got)
	}
	if got := strings_(call(t, reg, "url_host", "HTTPS://User@WWW.Example.COM:8443/a?b")); got[0] != "www.example.com" {
		t.Errorf("url_host = %q", got)
	}
	doms := strings_(call(t, reg, "cloud_app_domains", "Dropbox", "nothing"))
	if !strings.Contains(doms[0], `"dropbox.com"`) || doms[1] != "[]" {
		t.Errorf("cloud_app_domains = %q", doms)
	}
	sc := call(t, reg, "cloud_app_score", "Dropbox", "0x0", "nothing").(*array.Float64)
	if !sc.IsValid(0) || sc.Value(0) < 5 || sc.IsValid(1) || sc.IsValid(2) {
		t.Errorf("cloud_app_score = %v", sc)
	}
	if _, err := reg.funcs["cloud_app"].Result([]kusto.Type{kusto.Long}); err == nil {
		t.Error("cloud_app(long) accepted")
	}
	// Tags show up in cloud_app_tag at once.
	if got := strings_(call(t, reg, "cloud_app_tag", "Dropbox")); got[0] != "" {
		t.Errorf("untagged = %q", got)
	}
	if _, err := s.Tag("dropbox", "unsanctioned", "exfil", nil, ""); err != nil {
		t.Fatal(err)
	}
	if got := strings_(call(t, reg, "cloud_app_tag", "Dropbox", "dropbox.com", "GitHub")); !cmp.Equal(got, []string{"Unsanctioned", "Unsanctioned", ""}) {
		t.Errorf("cloud_app_tag = %q", got)
	}
	ta, _ := reg.kernels["cloud_app_tagged_at"](&fn.Context{}, []fn.Arg{{Type: kusto.String, Array: strArr("Dropbox"), Const: true}}, 3, kusto.DateTime)
	ts := ta.(*array.Timestamp)
	if ts.Len() != 3 || ts.IsNull(2) || int64(ts.Value(2)) != now.UnixNano() {
		t.Errorf("cloud_app_tagged_at = %v", ts)
	}
	// A constant argument answers every row.
	c, _ := reg.kernels["cloud_app"](&fn.Context{}, []fn.Arg{{Type: kusto.String, Array: strArr("mega.nz"), Const: true}}, 4, kusto.String)
	if got := strings_(c); !cmp.Equal(got, []string{"MEGA", "MEGA", "MEGA", "MEGA"}) {
		t.Errorf("const = %q", got)
	}
}

func TestDeviceRiskFunctions(t *testing.T) {
	_, reg, _ := install(t)
	daily := `[["2026-11-01T00:00:00.0000000Z",10485760,100],["2026-11-02T00:00:00Z",12582912,110],` +
		`["2026-11-03T00:00:00Z",9437184,90],["2026-11-05T00:00:00Z",4194304000,120],["2026-11-04T00:00:00Z",11534336,105],["bad"]]`
	i64 := func(v int64) fn.Arg {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.Append(v)
		return fn.Arg{Type: kusto.Long, Array: b.NewArray(), Const: true}
	}
	args := []fn.Arg{{Type: kusto.Dynamic, Array: strArr(daily, "[]")}, i64(0), i64(0)}
	if _, err := reg.funcs["device_risk_level"].Result([]kusto.Type{kusto.Dynamic, kusto.Long, kusto.Long}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.funcs["device_risk_level"].Result([]kusto.Type{kusto.Long, kusto.Long, kusto.Long}); err == nil {
		t.Error("device_risk_level(long, ...) accepted")
	}
	lvl, _ := reg.kernels["device_risk_level"](&fn.Context{}, args, 2, kusto.String)
	why, _ := reg.kernels["device_risk_reasons"](&fn.Context{}, args, 2, kusto.String)
	if got := strings_(lvl); !cmp.Equal(got, []string{"High", "Informational"}) || !strings.Contains(strings_(why)[0], "upload 3.9 GiB on 2026-11-05") {
		t.Errorf("device risk = %q, %q", got, strings_(why))
	}
}

func TestStoredFunctionsParse(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(govern.StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(govern.StateDir(dir), "settings.json"), []byte(`{"excluded_users": ["svc-backup@contoso.com", "quote\"d"], "excluded_ips": ["10.0.0.9"]}`), 0o644)
	reg := newFake()
	if _, err := Install(reg, dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"discover_apps", "discover_devices", "discover_users", "unsanctioned_access"} {
		text, ok := reg.stored[name]
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		src := "let " + name + " = " + text + ";\nDeviceNetworkEvents | invoke " + name + "()"
		if _, err := lang.Parse(src); err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, text)
		}
	}
	if !strings.Contains(reg.stored["discover_apps"], `"svc-backup@contoso.com"`) || !strings.Contains(reg.stored["discover_apps"], `"10.0.0.9"`) {
		t.Error("exclusions are not in discover_apps")
	}
}

func TestTagFlow(t *testing.T) {
	s, _, dir := install(t)
	r, err := s.Tag("Dropbox", "Unsanctioned", "exfiltration risk", []string{"Finance", "HR", "Finance"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	dbx, _ := mustCatalog(t, s).ByID("dropbox")
	if r.Added != len(dbx.AllDomains()) || r.Removed != 0 || r.Tag != govern.Unsanctioned {
		t.Errorf("tag result = %+v", r)
	}
	if !strings.Contains(strings.Join(r.Messages, " "), "within hours") {
		t.Errorf("messages = %q", r.Messages)
	}
	for _, ind := range r.Active {
		if ind.Action != "Block" || !cmp.Equal(ind.RbacGroups, []string{"Finance", "HR"}) || ind.ExternalID != "prowl:dropbox:"+ind.Value {
			t.Errorf("indicator = %+v", ind)
		}
	}
	// Emitting again is idempotent.
	out1, err := s.Indicators("stix")
	if err != nil {
		t.Fatal(err)
	}
	if err := indicator.ValidateSTIX(out1.Bytes()); err != nil {
		t.Fatal(err)
	}
	out2, _ := s.Indicators("stix")
	if string(out1.Bytes()) != string(out2.Bytes()) {
		t.Error("re-emit differs")
	}
	// A restart sees the same state.
	s2, err := New(dir, WithClock(func() time.Time { return now.Add(time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	if s2.TagOf("dropbox") != govern.Unsanctioned {
		t.Error("tag lost across restart")
	}
	// Monitored gives Warn; untag withdraws exactly the app's indicators.
	if r, err := s2.Tag("mega.nz", "monitored", "", nil, "bob"); err != nil || r.Added != len(mustApp(t, s2, "mega").AllDomains()) || r.Active[0].Action != "Warn" {
		t.Fatalf("monitor = %+v, %v", r, err)
	}
	u, err := s2.Untag("dropbox", "approved", "carol")
	if err != nil {
		t.Fatal(err)
	}
	if u.Removed != len(dbx.AllDomains()) || u.Added != 0 || u.Previous != govern.Unsanctioned {
		t.Errorf("untag = %+v", u)
	}
	hosts, _ := s2.Indicators("hosts")
	if strings.Contains(string(hosts.Bytes()), "dropbox") || len(hosts.Warnings) == 0 {
		t.Errorf("hosts after untag:\n%s\nwarnings %q", hosts.Bytes(), hosts.Warnings)
	}
	js, _ := s2.Indicators("defender-json")
	if !strings.Contains(string(js.Bytes()), "Withdrawn by prowl") {
		t.Error("defender-json does not carry the withdrawal")
	}
	audit, _ := s2.Audit()
	if len(audit) != 3 || audit[2].Actor != "carol" || audit[2].Reason != "approved" {
		t.Errorf("audit = %+v", audit)
	}
}

func mustCatalog(t testing.TB, s *Service) *catalog.Catalog {
	t.Helper()
	cat, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func mustApp(t *testing.T, s *Service, id string) *catalog.App {
	a, ok := mustCatalog(t, s).ByID(id)
	if !ok {
		t.Fatalf("no app %s", id)
	}
	return a
}

func TestNeverBlockRefused(t *testing.T) {
	s, _, _ := install(t, WithOwnHosts("https://prowl.contoso.com:8080"))
	_, err := s.Tag("Microsoft", govern.Unsanctioned, "", nil, "")
	if !errors.Is(err, ErrNeverBlock) || !strings.Contains(err.Error(), "identity") && !strings.Contains(err.Error(), "update") && !strings.Contains(err.Error(), "security") {
		t.Errorf("unsanction Microsoft: %v", err)
	}
	if tags, _ := s.Tags(); len(tags) != 0 {
		t.Errorf("refused tag was stored: %v", tags)
	}
	if _, _, bad := s.NeverBlock().Conflict("prowl.contoso.com"); !bad {
		t.Error("own host not protected")
	}
	if _, err := s.Tag("no such app", govern.Unsanctioned, "", nil, ""); err == nil || !strings.Contains(err.Error(), "unknown app") {
		t.Errorf("unknown app: %v", err)
	}
}

func readTable(t *testing.T, tbl *ext.Table) [][]string {
	t.Helper()
	defer tbl.Reader.Release()
	var rows [][]string
	for tbl.Reader.Next() {
		rec := tbl.Reader.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			var row []string
			for c := 0; c < int(rec.NumCols()); c++ {
				row = append(row, rec.Column(c).ValueStr(r))
			}
			rows = append(rows, row)
		}
		if !cmp.Equal(tbl.Columns, kusto.Schema(nil)) && int(rec.NumCols()) != len(tbl.Columns) {
			t.Fatalf("record has %d columns, schema %d", rec.NumCols(), len(tbl.Columns))
		}
	}
	return rows
}

func command(t *testing.T, reg *fakeRegistry, text string) (*ext.Table, error) {
	t.Helper()
	script, err := lang.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	c := script.Command
	run, ok := reg.commands[c.Verb]
	if !ok {
		t.Fatalf("no command %q", c.Verb)
	}
	return run(context.Background(), c)
}

func TestCommandsAndTables(t *testing.T) {
	_, reg, _ := install(t)
	res, err := command(t, reg, `.unsanction app "Dropbox", "mega" with (reason="exfil", groups="Finance, HR")`)
	if err != nil {
		t.Fatal(err)
	}
	rows := readTable(t, res)
	if len(rows) != 2 || rows[0][0] != "dropbox" || rows[0][2] != "Unsanctioned" || rows[1][1] != "MEGA" {
		t.Errorf("unsanction rows = %v", rows)
	}
	if _, err := command(t, reg, `.unsanction app "Microsoft"`); !errors.Is(err, ErrNeverBlock) {
		t.Errorf("never-block via command: %v", err)
	}
	tags, err := reg.tables["CloudAppTags"](context.Background())
	if err != nil {
		t.Fatal(err)
	}
	trows := readTable(t, tags)
	if len(trows) != 2 || trows[0][3] != "exfil" || trows[0][6] != `["Finance","HR"]` {
		t.Errorf("CloudAppTags = %v", trows)
	}
	inds, _ := reg.tables["CloudAppIndicators"](context.Background())
	irows := readTable(t, inds)
	if len(irows) < 16 || irows[0][5] != "Block" {
		t.Errorf("CloudAppIndicators: %d rows, first %v", len(irows), irows[0])
	}
	cat, _ := reg.tables["CloudAppCatalog"](context.Background())
	crows := readTable(t, cat)
	if len(crows) < 500 {
		t.Errorf("CloudAppCatalog has %d rows", len(crows))
	}
	exp, err := command(t, reg, `.export indicators format=rpz`)
	if err != nil {
		t.Fatal(err)
	}
	if erows := readTable(t, exp); len(erows) != 1 || !strings.Contains(erows[0][2], "dropbox.com CNAME .") || !strings.Contains(strings.Join(exp.Messages, " "), "within hours") {
		t.Errorf("export = %v %q", erows, exp.Messages)
	}
	if _, err := command(t, reg, `.export indicators format=pdf`); err == nil {
		t.Error("unknown format accepted")
	}
	un, err := command(t, reg, `.untag app "mega"`)
	if err != nil {
		t.Fatal(err)
	}
	if urows := readTable(t, un); urows[0][5] == "0" {
		t.Errorf("untag withdrew nothing: %v", urows)
	}
	if _, err := command(t, reg, `.tag app "Slack" with (tag="Reviewed")`); err != nil {
		t.Error(err)
	}
	show, err := command(t, reg, `.show app "Dropbox"`)
	if err != nil {
		t.Fatal(err)
	}
	props := map[string][]string{}
	for _, r := range readTable(t, show) {
		props[r[0]] = r[1:]
	}
	if props["Category"][0] != "Cloud storage" || props["Founded"][0] != "2007" || !strings.HasPrefix(props["Founded"][1], "https://") ||
		props["Tag"][0] != "Unsanctioned" || !strings.Contains(props["Hunting query"][0], "RemoteUrl in~") {
		t.Errorf(".show app = %v", props)
	}
	pol, _ := command(t, reg, `.show policies`)
	if prow := readTable(t, pol); len(prow) != 3 || prow[0][2] != "false" {
		t.Errorf("policies = %v", prow)
	}
}

func TestApplyPolicies(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(govern.StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(govern.StateDir(dir), "settings.json"), []byte(`{"policies": [
	  {"name": "Big uploads", "enabled": true, "min_daily_upload": 1000000, "tag": "Unsanctioned"}]}`), 0o644)
	var asked string
	q := func(ctx context.Context, kql string) (*ext.Table, error) {
		asked = kql
		rt := &rowTable{cols: kusto.Schema{{Name: "App", Type: kusto.String}, {Name: "AppId", Type: kusto.String}, {Name: "Category", Type: kusto.String},
			{Name: "Score", Type: kusto.Real}, {Name: "Users", Type: kusto.Long}, {Name: "Devices", Type: kusto.Long}, {Name: "Transactions", Type: kusto.Long},
			{Name: "TotalBytes", Type: kusto.Long}, {Name: "UploadBytes", Type: kusto.Long}, {Name: "FirstSeen", Type: kusto.DateTime}, {Name: "LastSeen", Type: kusto.DateTime}}}
		rt.add("MEGA", "mega", "Cloud storage", nil, int64(3), int64(2), int64(40), int64(9e9), int64(8e9), now.Add(-48*time.Hour), now)
		rt.add("GitHub", "github", "Code hosting", 8.0, int64(30), int64(20), int64(400), int64(1e6), int64(1e5), now.Add(-48*time.Hour), now)
		return rt.build()
	}
	reg := newFake()
	s, err := Install(reg, dir, WithQuery(q), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	res, err := command(t, reg, `.apply policies period=7d`)
	if err != nil {
		t.Fatal(err)
	}
	rows := readTable(t, res)
	if len(rows) != 1 || rows[0][1] != "mega" || !strings.Contains(rows[0][4], "daily upload 4000 MB") {
		t.Errorf("alerts = %v", rows)
	}
	if !strings.Contains(asked, "ago(7d)") || !strings.Contains(asked, "invoke discover_apps()") {
		t.Errorf("query = %q", asked)
	}
	if s.TagOf("mega") != govern.Unsanctioned {
		t.Error("policy tag not applied")
	}
}

func TestPathEntriesSkipped(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(govern.StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(govern.StateDir(dir), "catalog.json"), []byte(`{"apps":[
	  {"id":"gdrive","name":"Drive (custom)","category":"Cloud storage","domains":["google.com/drive","drive.google.com"]}]}`), 0o644)
	s, err := New(dir, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Tag("gdrive", govern.Unsanctioned, "", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Added != 1 || r.Active[0].Value != "drive.google.com" || !strings.Contains(strings.Join(r.Messages, "\n"), "google.com/drive: an entry with a path") {
		t.Errorf("result = %+v", r)
	}
	if a, ok, err := s.App("https://drive.google.com/x"); err != nil || !ok || a.ID != "gdrive" {
		t.Errorf("custom app does not match its host: %v", a)
	}
}

// BenchmarkCloudAppKernel measures cloud_app over a batch of distinct hosts,
// which is what the engine passes for a dictionary-encoded RemoteUrl.
func BenchmarkCloudAppKernel(b *testing.B) {
	s, err := New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	reg := newFake()
	if err := s.Register(reg); err != nil {
		b.Fatal(err)
	}
	var hosts []string
	for _, a := range mustCatalog(b, s).Apps() {
		for _, d := range a.Domains {
			hosts = append(hosts, "https://www."+d+"/path?q=1", "cdn."+d)
		}
		if len(hosts) > 4096 {
			break
		}
	}
	for i := 0; len(hosts) < 8192; i++ {
		hosts = append(hosts, "host"+string(rune('a'+i%26))+".unknown-example.org")
	}
	arr := strArr(hosts...)
	args := []fn.Arg{{Type: kusto.String, Array: arr}}
	ctx := &fn.Context{Mem: memory.DefaultAllocator}
	for _, name := range []string{"cloud_app", "cloud_app_tag", "cloud_app_score"} {
		k := reg.kernels[name]
		b.Run(name, func(b *testing.B) {
			b.ReportMetric(float64(len(hosts)), "values/op")
			for b.Loop() {
				out, err := k(ctx, args, len(hosts), kusto.String)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
	}
}

func TestHuntingQuery(t *testing.T) {
	s, _, _ := install(t)
	q, err := s.HuntingQuery("MEGA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lang.Parse(q); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	if !strings.Contains(q, `RemoteUrl in~ ("mega.co.nz"`) || !strings.Contains(q, `cloud_app_id(RemoteUrl) == "mega"`) {
		t.Errorf("query = %s", q)
	}
	if _, err := s.HuntingQuery("nope"); err == nil {
		t.Error("unknown app accepted")
	}
}

func TestAccountUser(t *testing.T) {
	_, reg, _ := install(t)
	sid := strArr("S-1-5-18", "S-1-5-21-1", "S-1-5-21-2", "S-1-5-21-3", "", "S-1-5-20")
	name := strArr("SYSTEM", "Alice", "Bob", "", "Network Service", "x")
	dom := strArr("NT AUTHORITY", "CONTOSO", "CONTOSO", "", "NT AUTHORITY", "y")
	upn := strArr("", "Alice@Contoso.com", "", "", "", "")
	args := []fn.Arg{{Type: kusto.String, Array: sid}, {Type: kusto.String, Array: name}, {Type: kusto.String, Array: dom}, {Type: kusto.String, Array: upn}}
	if _, err := reg.funcs["account_user"].Result([]kusto.Type{kusto.String, kusto.String, kusto.String, kusto.String}); err != nil {
		t.Fatal(err)
	}
	out, err := reg.kernels["account_user"](&fn.Context{}, args, 6, kusto.String)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "alice@contoso.com", `contoso\bob`, "", "", ""}
	if got := strings_(out); !cmp.Equal(got, want) {
		t.Errorf("account_user = %q, want %q", got, want)
	}
}

// TestAccountUserRuns covers the run cache (a row equal to the one before
// reuses its bytes; a row differing in any argument must not), all system
// account spellings, near-misses of the system SIDs, and a constant argument.
func TestAccountUserRuns(t *testing.T) {
	_, reg, _ := install(t)
	type row struct{ sid, name, dom, upn, want string }
	rows := []row{
		{"S-1-5-21-1", "Alice", "CONTOSO", "", `contoso\alice`},
		{"S-1-5-21-1", "Alice", "CONTOSO", "", `contoso\alice`},
		{"S-1-5-21-1", "Alice", "FABRIKAM", "", `fabrikam\alice`},
		{"S-1-5-21-1", "Alice", "FABRIKAM", "A@F.com", "a@f.com"},
		{"S-1-5-21-1", "Alice", "FABRIKAM", "A@F.com", "a@f.com"},
		{"S-1-5-19", "Alice", "FABRIKAM", "A@F.com", ""},
		{"S-1-5-19", "Alice", "FABRIKAM", "A@F.com", ""},
		{"S-1-5-190", "Alice", "FABRIKAM", "A@F.com", "a@f.com"},
		{"S-1-5-21", "Alice", "FABRIKAM", "A@F.com", "a@f.com"},
		{"", "local service", "NT", "", ""},
		{"", "LocalService", "NT", "", ""},
		{"", "NetworkService", "NT", "", ""},
		{"", "NETWORK SERVICE", "NT", "", ""},
		{"", "system", "NT", "", ""},
		{"", "systems", "NT", "", `nt\systems`},
		{"", "Bob", "", "", `\bob`},
		{"", "", "", "", ""},
	}
	var sid, name, dom, upn, want []string
	for _, r := range rows {
		sid, name, dom, upn, want = append(sid, r.sid), append(name, r.name), append(dom, r.dom), append(upn, r.upn), append(want, r.want)
	}
	args := []fn.Arg{{Type: kusto.String, Array: strArr(sid...)}, {Type: kusto.String, Array: strArr(name...)},
		{Type: kusto.String, Array: strArr(dom...)}, {Type: kusto.String, Array: strArr(upn...)}}
	out, err := reg.kernels["account_user"](&fn.Context{}, args, len(rows), kusto.String)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, strings_(out)); d != "" {
		t.Errorf("account_user (-want +got):\n%s", d)
	}

	// A constant domain and UPN with varying names.
	args = []fn.Arg{{Type: kusto.String, Array: strArr("S-1-5-21-9", "S-1-5-18", "S-1-5-21-9")}, {Type: kusto.String, Array: strArr("Carol", "Carol", "Dave")},
		{Type: kusto.String, Array: strArr("CORP"), Const: true}, {Type: kusto.String, Array: strArr(""), Const: true}}
	out, err = reg.kernels["account_user"](&fn.Context{}, args, 3, kusto.String)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{`corp\carol`, "", `corp\dave`}, strings_(out)); d != "" {
		t.Errorf("account_user with constants (-want +got):\n%s", d)
	}
}

func TestTenantLimitRefusedBeforeStoring(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(govern.StateDir(dir), 0o755)
	var doms []string
	for i := 0; i <= indicator.TenantLimit; i++ {
		doms = append(doms, fmt.Sprintf(`"h%05d.huge.example"`, i))
	}
	os.WriteFile(filepath.Join(govern.StateDir(dir), "catalog.json"), []byte(`{"apps":[{"id":"huge","name":"Huge","category":"Cloud storage","domains":[`+strings.Join(doms, ",")+`]}]}`), 0o644)
	s, err := New(dir, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tag("huge", govern.Unsanctioned, "", nil, ""); err == nil || !strings.Contains(err.Error(), "limit of 15000 per tenant") {
		t.Fatalf("err = %v", err)
	}
	if tags, _ := s.Tags(); len(tags) != 0 {
		t.Errorf("tag stored despite the limit: %v", tags)
	}
	// Sanctioned emits nothing, so it is fine.
	if _, err := s.Tag("huge", govern.Sanctioned, "", nil, ""); err != nil {
		t.Error(err)
	}
}

func TestExpirationAndSeverity(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(govern.StateDir(dir), 0o755)
	os.WriteFile(filepath.Join(govern.StateDir(dir), "settings.json"), []byte(`{"indicator_expiration_days": 30, "block_severity": "Medium", "warn_monitored": false}`), 0o644)
	s, err := New(dir, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tag("mega", govern.Unsanctioned, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Tag("pastebin", govern.Monitored, "", nil, ""); err != nil || r.Added != 0 {
		t.Fatalf("monitored with warn off added %v (%v)", r, err)
	}
	out, err := s.Indicators("defender-json")
	if err != nil {
		t.Fatal(err)
	}
	body := string(out.Bytes())
	if !strings.Contains(body, `"expirationTime": "2026-12-31T12:00:00Z"`) || !strings.Contains(body, `"severity": "Medium"`) || strings.Contains(body, "pastebin") {
		t.Errorf("defender-json:\n%s", body)
	}
}

// The catalog loads on first use: a broken user catalog does not stop the
// service from opening (queries that do not touch discovery still run), and
// every use of the catalog reports the file's error.
func TestBrokenUserCatalogErrorsOnFirstUse(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(govern.StateDir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(govern.StateDir(dir), "catalog.json")
	if err := os.WriteFile(path, []byte(`{"apps":[{"id":"x",`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	reg := newFake()
	if err := s.Register(reg); err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}
	_, _, errs["App"] = s.App("dropbox")
	_, errs["Catalog"] = s.Catalog()
	_, errs["Tag"] = s.Tag("dropbox", "unsanctioned", "", nil, "t")
	_, _, errs["DesiredIndicators"] = s.DesiredIndicators()
	_, errs["cloud_app"] = reg.kernels["cloud_app"](&fn.Context{}, []fn.Arg{{Type: kusto.String, Array: strArr("dropbox.com")}}, 1, kusto.String)
	_, errs["CloudAppCatalog"] = reg.tables["CloudAppCatalog"](context.Background())
	for what, err := range errs {
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s", what, err, path)
		}
	}
	// url_host needs no catalog.
	if _, err := reg.kernels["url_host"](&fn.Context{}, []fn.Arg{{Type: kusto.String, Array: strArr("https://a.b/c")}}, 1, kusto.String); err != nil {
		t.Errorf("url_host: %v", err)
	}
}
