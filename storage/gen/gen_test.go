package gen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/schemas"
)

var testEnd = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// collect keeps every batch per table.
type collect struct {
	recs map[string][]arrow.RecordBatch
}

func (c *collect) Write(table string, rec arrow.RecordBatch) error {
	if c.recs == nil {
		c.recs = map[string][]arrow.RecordBatch{}
	}
	rec.Retain()
	c.recs[table] = append(c.recs[table], rec)
	return nil
}

// cell renders one value as text, resolving dictionaries.
func cell(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return "<null>"
	}
	switch a := col.(type) {
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return fmt.Sprint(a.Value(i))
	case *array.Int32:
		return fmt.Sprint(a.Value(i))
	case *array.Boolean:
		return fmt.Sprint(a.Value(i))
	case *array.Timestamp:
		return time.Unix(0, int64(a.Value(i))).UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("?%T", col)
}

// rows renders a table as maps of column name to text.
func (c *collect) rows(table string) []map[string]string {
	var out []map[string]string
	for _, rec := range c.recs[table] {
		for i := 0; i < int(rec.NumRows()); i++ {
			m := make(map[string]string, rec.NumCols())
			for j, f := range rec.Schema().Fields() {
				m[f.Name] = cell(rec.Column(j), i)
			}
			out = append(out, m)
		}
	}
	return out
}

// lines renders a table as one tab-separated line per row.
func (c *collect) lines(table string) []string {
	var out []string
	var b strings.Builder
	for _, rec := range c.recs[table] {
		for i := 0; i < int(rec.NumRows()); i++ {
			b.Reset()
			for j := 0; j < int(rec.NumCols()); j++ {
				b.WriteString(cell(rec.Column(j), i))
				b.WriteByte('\t')
			}
			out = append(out, b.String())
		}
	}
	return out
}

// sameLines reports the first difference of two renderings.
func sameLines(t *testing.T, what string, a, b []string) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d rows vs %d", what, len(a), len(b))
		return
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("%s: row %d differs:\n%s\n%s", what, i, a[i], b[i])
			return
		}
	}
}

func generate(t *testing.T, cfg Config) (*collect, Summary) {
	t.Helper()
	var c collect
	sum, err := Generate(context.Background(), cfg, &c)
	if err != nil {
		t.Fatal(err)
	}
	return &c, sum
}

func smallConfig() Config {
	return Config{Rows: 60_000, Days: 7, Devices: 200, Users: 500, Seed: 42, End: testEnd, TailDomains: 2000, BatchRows: 4096}
}

func TestSchemasMatchBuiltins(t *testing.T) {
	for _, plain := range []bool{false, true} {
		cfg := smallConfig()
		cfg.Rows, cfg.Days, cfg.PlainStrings = 5000, 2, plain
		c, sum := generate(t, cfg)
		for _, table := range Tables {
			recs := c.recs[table]
			if len(recs) == 0 {
				t.Fatalf("plain=%v: no %s batches", plain, table)
			}
			want, _ := schemas.Table(table)
			got := karrow.KustoSchema(recs[0].Schema())
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("plain=%v: %s schema (-want +got):\n%s", plain, table, diff)
			}
			for _, f := range recs[0].Schema().Fields() {
				isDict := f.Type.ID() == arrow.DICTIONARY
				if plain && isDict {
					t.Errorf("plain: %s.%s is a dictionary", table, f.Name)
				}
			}
			var n int64
			for _, r := range recs {
				n += r.NumRows()
			}
			if n != sum.Rows[table] {
				t.Errorf("%s: summary says %d rows, sink got %d", table, sum.Rows[table], n)
			}
		}
		if sum.Rows["DeviceNetworkEvents"] != cfg.Rows {
			t.Errorf("DeviceNetworkEvents rows = %d, want %d", sum.Rows["DeviceNetworkEvents"], cfg.Rows)
		}
	}
}

func TestDeterministic(t *testing.T) {
	cfg := smallConfig()
	cfg.Rows = 20_000
	a, _ := generate(t, cfg)
	cfg.Workers = 1
	b, _ := generate(t, cfg)
	for _, table := range Tables {
		sameLines(t, table, a.lines(table), b.lines(table))
	}
	cfg.Seed = 43
	c, _ := generate(t, cfg)
	if cmp.Equal(a.lines("DeviceNetworkEvents"), c.lines("DeviceNetworkEvents")) {
		t.Error("another seed gave the same DeviceNetworkEvents")
	}
}

func TestPlainMatchesDictionary(t *testing.T) {
	cfg := smallConfig()
	cfg.Rows, cfg.Days = 8000, 2
	a, _ := generate(t, cfg)
	cfg.PlainStrings = true
	b, _ := generate(t, cfg)
	sameLines(t, "plain vs dictionary", a.lines("DeviceNetworkEvents"), b.lines("DeviceNetworkEvents"))
}

func TestShape(t *testing.T) {
	cfg := smallConfig()
	c, _ := generate(t, cfg)
	rows := c.rows("DeviceNetworkEvents")
	start := testEnd.AddDate(0, 0, -cfg.Days)
	var emptyURL, withScheme, weekday, weekend, system int
	procs := map[string]int{}
	hosts := map[string]bool{}
	var prev time.Time
	for _, r := range rows {
		ts, err := time.Parse(time.RFC3339Nano, r["Timestamp"])
		if err != nil {
			t.Fatal(err)
		}
		if ts.Before(start) || !ts.Before(testEnd) {
			t.Fatalf("timestamp %v outside [%v, %v)", ts, start, testEnd)
		}
		if ts.Before(prev) {
			t.Fatalf("rows out of time order: %v after %v", ts, prev)
		}
		prev = ts
		if ts.Weekday() == time.Saturday || ts.Weekday() == time.Sunday {
			weekend++
		} else {
			weekday++
		}
		u := r["RemoteUrl"]
		switch {
		case u == "":
			emptyURL++
		case strings.Contains(u, "://"):
			withScheme++
		}
		hosts[u] = true
		procs[r["InitiatingProcessFileName"]]++
		acct := r["InitiatingProcessAccountName"]
		if acct == "SYSTEM" || acct == "LOCAL SERVICE" || acct == "NETWORK SERVICE" {
			system++
			if p := r["InitiatingProcessFileName"]; p == "chrome.exe" || p == "msedge.exe" {
				t.Errorf("browser %s runs as %s", p, acct)
			}
		}
		if len(r["DeviceId"]) != 40 {
			t.Fatalf("DeviceId %q: want 40 hex chars", r["DeviceId"])
		}
		if r["RemotePort"] == "80" && strings.HasPrefix(u, "https://") {
			t.Errorf("https URL on port 80: %v", r)
		}
		if strings.HasPrefix(u, "http://") && r["RemotePort"] != "80" {
			t.Errorf("http URL on port %s", r["RemotePort"])
		}
		if r["RemotePort"] == "53" && r["Protocol"] == "Tcp" && u != "" {
			t.Errorf("DNS over Tcp: %v", r)
		}
	}
	n := len(rows)
	if f := float64(emptyURL) / float64(n); f < 0.18 || f > 0.32 {
		t.Errorf("IP-only share %.3f, want ~0.25", f)
	}
	if f := float64(withScheme) / float64(n); f < 0.05 || f > 0.3 {
		t.Errorf("share of URLs with a scheme %.3f", f)
	}
	// 5 weekdays vs 2 weekend days, weekend at a quarter of the volume.
	if perWeekday, perWeekend := float64(weekday)/5, float64(weekend)/2; perWeekend > 0.5*perWeekday {
		t.Errorf("weekend rows per day %.0f vs weekday %.0f: no weekly rhythm", perWeekend, perWeekday)
	}
	if system == 0 {
		t.Error("no system-account rows")
	}
	for _, p := range []string{"chrome.exe", "msedge.exe", "teams.exe", "OneDrive.exe", "svchost.exe", "powershell.exe", "curl.exe"} {
		if procs[p] == 0 {
			t.Errorf("no rows of %s", p)
		}
	}
	if procs["chrome.exe"] < procs["curl.exe"] {
		t.Error("curl.exe busier than chrome.exe")
	}
	if len(hosts) < 500 {
		t.Errorf("only %d distinct RemoteUrl values", len(hosts))
	}
}

func TestStories(t *testing.T) {
	checkStories(t, smallConfig())
}

// A catalog that lists the story apps does not dilute the stories.
func TestStoriesWithCatalog(t *testing.T) {
	cfg := smallConfig()
	cfg.Apps = WithCatalog([]App{
		{Name: "Dropbox", Hosts: []string{"www.dropbox.com", "dropbox.com", "content.dropboxapi.com"}},
		{Name: "Figma", Hosts: []string{"www.figma.com"}},
		{Name: "Google", Hosts: []string{"elsewhere.example"}},
		{Name: "Acme Storage", Hosts: []string{"acme-storage.example"}},
	})
	// Dropbox and Google are built in already; Figma and Acme Storage are new.
	if len(cfg.Apps) != len(BuiltinApps)+2 {
		t.Fatalf("WithCatalog kept %d apps, want %d", len(cfg.Apps), len(BuiltinApps)+2)
	}
	c := checkStories(t, cfg)
	found := false
	for _, r := range c.rows("DeviceNetworkEvents") {
		if strings.Contains(r["RemoteUrl"], "acme-storage.example") {
			found = true
			break
		}
	}
	if !found {
		t.Error("catalog app never seen")
	}
}

func checkStories(t *testing.T, cfg Config) *collect {
	t.Helper()
	c, sum := generate(t, cfg)
	st := sum.Stories
	if st.ExfilDevice == "" || st.RoamingUser == "" || st.RareApp != "Figma" {
		t.Fatalf("stories not named: %+v", st)
	}
	exfilHosts := map[string]bool{}
	for _, h := range st.ExfilHosts {
		exfilHosts[h] = true
	}
	rare := map[string]bool{}
	for _, h := range st.RareHosts {
		rare[h] = true
	}
	var exfilBytes int64
	otherDropbox := map[string]int64{} // other devices' Dropbox uploads
	roamDevices := map[string]bool{}
	rareDevices := map[string]bool{}
	deptOf := map[string]string{}
	for _, r := range c.rows("DeviceInfo") {
		deptOf[r["DeviceName"]] = r["MachineGroup"]
	}
	for _, r := range c.rows("DeviceNetworkEvents") {
		host := strings.TrimPrefix(strings.TrimPrefix(r["RemoteUrl"], "https://"), "http://")
		host, _, _ = strings.Cut(host, "/")
		if exfilHosts[host] {
			var b int64
			fmt.Sscan(r["BytesSent"], &b)
			ts, _ := time.Parse(time.RFC3339Nano, r["Timestamp"])
			if r["DeviceName"] == st.ExfilDevice && ts.Hour() >= 1 && ts.Hour() < 4 {
				exfilBytes += b
			} else {
				otherDropbox[r["DeviceName"]] += b
			}
		}
		if r["InitiatingProcessAccountName"] == st.RoamingUser {
			roamDevices[r["DeviceName"]] = true
		}
		if rare[host] {
			rareDevices[r["DeviceName"]] = true
		}
	}
	if exfilBytes < 3<<30 {
		t.Errorf("exfiltration device uploaded %d bytes at night, want gigabytes", exfilBytes)
	}
	for dev, b := range otherDropbox {
		if b > exfilBytes/100 {
			t.Errorf("device %s uploads %d bytes to Dropbox, rivalling the story's %d", dev, b, exfilBytes)
		}
	}
	if len(roamDevices) < st.RoamingDevices/2 || len(roamDevices) < 10 {
		t.Errorf("roaming user seen on %d devices, want most of %d", len(roamDevices), st.RoamingDevices)
	}
	if len(rareDevices) == 0 {
		t.Error("rare app never used")
	}
	for d := range rareDevices {
		if deptOf[d] != st.RareDepartment {
			t.Errorf("rare app used from %s in %s, want only %s", d, deptOf[d], st.RareDepartment)
		}
	}
	logonDevices := map[string]bool{}
	for _, r := range c.rows("DeviceLogonEvents") {
		if r["AccountName"] == st.RoamingUser && r["LogonType"] == "RemoteInteractive" {
			logonDevices[r["DeviceName"]] = true
		}
	}
	if len(logonDevices) != st.RoamingDevices {
		t.Errorf("roaming user logged on to %d devices, want %d", len(logonDevices), st.RoamingDevices)
	}
	return c
}

func TestNetworkInfoMatchesLocalIP(t *testing.T) {
	cfg := smallConfig()
	cfg.Rows = 20_000
	c, _ := generate(t, cfg)
	type key struct{ dev, day, ip string }
	known := map[key]bool{}
	for _, r := range c.rows("DeviceNetworkInfo") {
		var addrs []struct{ IPAddress string }
		if err := json.Unmarshal([]byte(r["IPAddresses"]), &addrs); err != nil || len(addrs) == 0 {
			t.Fatalf("IPAddresses %q: %v", r["IPAddresses"], err)
		}
		known[key{r["DeviceId"], r["Timestamp"][:10], addrs[0].IPAddress}] = true
	}
	for _, r := range c.rows("DeviceNetworkEvents") {
		k := key{r["DeviceId"], r["Timestamp"][:10], r["LocalIP"]}
		if !known[k] {
			t.Fatalf("LocalIP %s of %s on %s not in DeviceNetworkInfo", k.ip, k.dev, k.day)
		}
	}
	var users []struct{ UserName, Sid string }
	for _, r := range c.rows("DeviceInfo") {
		if err := json.Unmarshal([]byte(r["LoggedOnUsers"]), &users); err != nil {
			t.Fatalf("LoggedOnUsers %q: %v", r["LoggedOnUsers"], err)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Rows: -1},
		{Days: -2},
		{DeviceInfoEvery: time.Minute},
		{End: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := Generate(context.Background(), cfg, SinkFunc(func(string, arrow.RecordBatch) error { return nil })); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestSinkErrorStops(t *testing.T) {
	cfg := smallConfig()
	n := 0
	_, err := Generate(context.Background(), cfg, SinkFunc(func(table string, rec arrow.RecordBatch) error {
		n++
		if table == "DeviceNetworkEvents" && n > 3 {
			return fmt.Errorf("disk full")
		}
		return nil
	}))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the sink's error", err)
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Rows: 1_000_000, Days: 30, Seed: 1, End: testEnd}
	if s := os.Getenv("GEN_ROWS"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			cfg.Rows = n
		}
	}
	for b.Loop() {
		_, err := Generate(context.Background(), cfg, SinkFunc(func(string, arrow.RecordBatch) error { return nil }))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestTinyConfigs(t *testing.T) {
	for _, cfg := range []Config{
		{Rows: 1, Days: 1, Devices: 1, Users: 1},
		{Rows: 500, Days: 2, Devices: 3, Users: 1, TailDomains: 1},
		{Rows: 2000, Days: 1, Devices: 80, Users: 2, DeviceInfoEvery: time.Hour},
	} {
		cfg.End, cfg.Seed = testEnd, 5
		c, sum := generate(t, cfg)
		if sum.Rows["DeviceNetworkEvents"] != cfg.Rows {
			t.Errorf("%+v: %d rows", cfg, sum.Rows["DeviceNetworkEvents"])
		}
		if cfg.DeviceInfoEvery == time.Hour && sum.Rows["DeviceInfo"] != int64(24*cfg.Devices) {
			t.Errorf("hourly DeviceInfo: %d rows, want %d", sum.Rows["DeviceInfo"], 24*cfg.Devices)
		}
		_ = c
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := smallConfig()
	n := 0
	_, err := Generate(ctx, cfg, SinkFunc(func(table string, rec arrow.RecordBatch) error {
		if table == "DeviceNetworkEvents" {
			if n++; n == 2 {
				cancel()
			}
		}
		return nil
	}))
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
