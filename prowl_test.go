package prowl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

var testEnd = time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)

const testRows = 40_000

var (
	dataOnce sync.Once
	dataDir  string
	dataErr  error
)

// testDB opens a DB over a small generated dataset (5 days, 40k network events),
// generated once per test binary.
func testDB(t testing.TB) *DB {
	t.Helper()
	dataOnce.Do(func() {
		dir, err := tempDir()
		if err != nil {
			dataErr = err
			return
		}
		dataDir = dir
		cat, err := storage.Open(dir)
		if err != nil {
			dataErr = err
			return
		}
		cfg := gen.Config{Rows: testRows, Days: 5, Devices: 40, Users: 60, End: testEnd, TailDomains: 500, BatchRows: 4096}
		_, dataErr = gen.WriteCatalog(context.Background(), cfg, cat, gen.CatalogOptions{Writer: storage.WriterOptions{RowGroupRows: 4096}})
	})
	if dataErr != nil {
		t.Fatalf("generate data: %v", dataErr)
	}
	db, err := Open(dataDir, &Options{Now: func() time.Time { return testEnd }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// query runs q and renders the rows as "a|b|c" lines.
func query(t testing.TB, db *DB, q string, params Params) ([]string, *Result) {
	t.Helper()
	res, err := db.Query(context.Background(), q, params)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	defer res.Close()
	var rows []string
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			cells := make([]string, rec.NumCols())
			for c := range cells {
				col := rec.Column(c)
				if col.IsNull(i) {
					cells[c] = "null"
				} else {
					cells[c] = col.ValueStr(i)
				}
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	if err := res.Reader.Err(); err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	return rows, res
}

func TestCountFromMetadataMatchesScan(t *testing.T) {
	db := testDB(t)
	meta, _ := query(t, db, "DeviceNetworkEvents | count", nil)
	scan, _ := query(t, db, "DeviceNetworkEvents | where isnotnull(Timestamp) | summarize count()", nil)
	if len(meta) != 1 || meta[0] != fmt.Sprint(testRows) || scan[0] != meta[0] {
		t.Fatalf("count = %v, summarize count() = %v, want %d", meta, scan, testRows)
	}
	day := `DeviceNetworkEvents | where Timestamp >= datetime(2024-03-08) and Timestamp < datetime(2024-03-09) | `
	meta, _ = query(t, db, day+"count", nil)
	scan, _ = query(t, db, day+"where DeviceId != 'none' | summarize count()", nil)
	// summarize count() is answered from metadata too, under its own name
	rows, res := query(t, db, day+"summarize N = count()", nil)
	if rows[0] != meta[0] || res.Columns[0].Name != "N" || res.Stats.RowsScanned != 0 {
		t.Fatalf("summarize N = count(): %v %v rows scanned %d", rows, res.Columns, res.Stats.RowsScanned)
	}
	if meta[0] != scan[0] || meta[0] == "0" {
		t.Fatalf("one-day count: metadata %v, scan %v", meta, scan)
	}
}

func TestTakeReadsLittle(t *testing.T) {
	testDB(t) // generates the data
	// One worker, so the bound does not depend on how many row groups other
	// workers had started on a loaded machine before take stopped the scan.
	db, err := Open(dataDir, &Options{Parallelism: 1, Now: func() time.Time { return testEnd }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, res := query(t, db, "DeviceNetworkEvents | take 10", nil)
	if len(rows) != 10 {
		t.Fatalf("take 10 gave %d rows", len(rows))
	}
	// Row groups hold 4,096 rows: take 10 must stop within the first one or two.
	if res.Stats.RowsScanned > 2*4096 {
		t.Fatalf("take 10 scanned %d of %d rows", res.Stats.RowsScanned, testRows)
	}
}

func TestOneDayPrunes(t *testing.T) {
	db := testDB(t)
	rows, res := query(t, db, `DeviceNetworkEvents | where Timestamp between (datetime(2024-03-08) .. 1d) | summarize count(), sum(BytesSent)`, nil)
	if len(rows) != 1 {
		t.Fatalf("rows = %v", rows)
	}
	st := res.Stats
	if st.PartitionsRead > 2 || st.PartitionsTotal < 5 {
		t.Fatalf("one day read %d of %d partitions", st.PartitionsRead, st.PartitionsTotal)
	}
	if st.RowsScanned >= testRows/2 {
		t.Fatalf("one day scanned %d of %d rows", st.RowsScanned, testRows)
	}
	plan, err := db.Explain(context.Background(), `DeviceNetworkEvents | where Timestamp > ago(1d) and RemoteUrl in ("a.com", "b.com") | project RemoteUrl`, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prune days+row groups: Timestamp in [2024-03-09T00:00:00.000000001Z", "RemoteUrl in (a.com, b.com)", "columns=2/"} {
		if !strings.Contains(plan, want) {
			t.Errorf("explain lacks %q:\n%s", want, plan)
		}
	}
}

func TestHuntingPath(t *testing.T) {
	db := testDB(t)
	// The same answer through different plans: per-worker aggregation vs a
	// join, a let and a union.
	top, _ := query(t, db, `DeviceNetworkEvents | summarize TotalBytes = sum(BytesSent) by DeviceId | top 3 by TotalBytes`, nil)
	if len(top) != 3 {
		t.Fatalf("top 3 = %v", top)
	}
	ordered, _ := query(t, db, `DeviceNetworkEvents | summarize TotalBytes = sum(BytesSent) by DeviceId | order by TotalBytes desc | take 3`, nil)
	if strings.Join(top, ";") != strings.Join(ordered, ";") {
		t.Fatalf("top %v != order|take %v", top, ordered)
	}
	joined, _ := query(t, db, `DeviceNetworkEvents | where RemotePort != 443 | join kind=inner (DeviceInfo | distinct DeviceId, OSPlatform) on DeviceId | summarize count() by OSPlatform | summarize sum(count_)`, nil)
	direct, _ := query(t, db, `let ids = DeviceInfo | distinct DeviceId, OSPlatform | summarize n = count() by DeviceId; DeviceNetworkEvents | where RemotePort != 443 | join kind=inner ids on DeviceId | summarize sum(n)`, nil)
	if joined[0] != direct[0] || joined[0] == "0" {
		t.Fatalf("join counts differ: %v vs %v", joined, direct)
	}
	u, _ := query(t, db, `let a = DeviceNetworkEvents | where RemotePort == 443; let b = DeviceNetworkEvents | where RemotePort != 443 or isnull(RemotePort); union a, b | count`, nil)
	if u[0] != fmt.Sprint(testRows) {
		t.Fatalf("union count = %v", u)
	}
}

func TestErrorsKeepPositions(t *testing.T) {
	db := testDB(t)
	_, err := db.Query(context.Background(), "DeviceNetworkEvents\n| where RemoteURL == 'x'", nil)
	var list lang.ErrorList
	if !errors.As(err, &list) || len(list) == 0 || list[0].Pos.Line != 2 {
		t.Fatalf("err = %v, want a lang.ErrorList at line 2", err)
	}
	if !strings.Contains(err.Error(), "RemoteUrl") {
		t.Errorf("error lacks a suggestion: %v", err)
	}
	if err := db.Check("DeviceNetworkEvents | take 1"); err != nil {
		t.Errorf("check: %v", err)
	}
}

func TestParams(t *testing.T) {
	db := testDB(t)
	rows, _ := query(t, db, `declare query_parameters(n:long, s:string = "x"); print n * 2, s`, Params{"n": "21"})
	if len(rows) != 1 || rows[0] != "42|x" {
		t.Fatalf("rows = %v", rows)
	}
	rows, _ = query(t, db, `declare query_parameters(d:datetime); print d + 1d`, Params{"d": "datetime(2024-01-01)"})
	if len(rows) != 1 || !strings.HasPrefix(rows[0], "2024-01-02") {
		t.Fatalf("rows = %v", rows)
	}
}

func TestCommandsAndRender(t *testing.T) {
	db := testDB(t)
	rows, _ := query(t, db, ".show tables", nil)
	if !strings.Contains(strings.Join(rows, "\n"), "DeviceNetworkEvents") {
		t.Fatalf(".show tables = %v", rows)
	}
	rows, _ = query(t, db, ".show table DeviceInfo schema", nil)
	if len(rows) == 0 || !strings.HasPrefix(rows[0], "Timestamp|") {
		t.Fatalf(".show table schema = %v", rows)
	}
	res, err := db.Query(context.Background(), "print x = 1 | render timechart with (title='t')", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if res.Render == nil || res.Render.Kind != "timechart" || res.Render.Props["title"] != "t" {
		t.Fatalf("render = %+v", res.Render)
	}
}

func TestMemoryBudget(t *testing.T) {
	db := testDB(t)
	small, err := Open(dataDir, &Options{MemoryBudget: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	res, err := small.Query(context.Background(), "DeviceNetworkEvents | order by Timestamp asc", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	for res.Reader.Next() {
	}
	if err := res.Reader.Err(); err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Fatalf("err = %v, want a memory budget error", err)
	}
	_ = db
}

func TestCancel(t *testing.T) {
	db := testDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := db.Query(ctx, "DeviceNetworkEvents | summarize count() by RemoteUrl", nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for res.Reader.Next() {
	}
	if !errors.Is(res.Reader.Err(), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", res.Reader.Err())
	}
	res.Close()
}

func TestDiscoveryThroughEngine(t *testing.T) {
	db := testDB(t)
	rows, res := query(t, db, `DeviceNetworkEvents | where Timestamp > ago(30d) | invoke discover_apps() | where Transactions > 0 | count`, nil)
	if len(rows) != 1 || rows[0] == "0" {
		t.Fatalf("discover_apps found no apps: %v", rows)
	}
	_ = res
	rows, _ = query(t, db, `print cloud_app("https://www.dropbox.com/x")`, nil)
	if len(rows) != 1 || rows[0] != "Dropbox" {
		t.Fatalf("cloud_app = %v", rows)
	}
	rows, _ = query(t, db, `CloudAppCatalog | take 3 | count`, nil)
	if len(rows) != 1 || rows[0] != "3" {
		t.Fatalf("CloudAppCatalog = %v", rows)
	}
}

// The benchmark queries of performance.md (Q1–Q9) over generated data:
// PROWL_BENCH_ROWS rows of DeviceNetworkEvents over 30 days (default 200,000).
var benchQueries = []struct{ name, q string }{
	{"Q1_in", `DeviceNetworkEvents | where RemoteUrl in ("dropbox.com","www.dropbox.com","dl.dropboxusercontent.com","wetransfer.com","mega.nz","drive.google.com","onedrive.live.com","box.com","github.com","slack.com") | project Timestamp, DeviceId, RemoteUrl`},
	{"Q2_contains", `DeviceNetworkEvents | where RemoteUrl contains "dropbox" | count`},
	{"Q3_has", `DeviceNetworkEvents | where RemoteUrl has "wetransfer" | count`},
	{"Q4_bin", `DeviceNetworkEvents | summarize count() by InitiatingProcessFileName, bin(Timestamp, 1h)`},
	{"Q5_top", `DeviceNetworkEvents | summarize TotalBytes=sum(BytesSent) by DeviceId | top 10 by TotalBytes`},
	{"Q6_join", `DeviceNetworkEvents | where RemotePort != 443 | join kind=inner (DeviceInfo | distinct DeviceId, OSPlatform) on DeviceId | summarize count() by OSPlatform`},
	{"Q7_dcount", `DeviceNetworkEvents | summarize dcount(InitiatingProcessAccountName) by InitiatingProcessFileName`},
	{"Q8_day", `DeviceNetworkEvents | where Timestamp between (datetime(2024-03-05) .. 1d) | summarize count(), sum(BytesSent)`},
	{"Q9_order", `DeviceNetworkEvents | where RemoteUrl in ("dropbox.com","www.dropbox.com","dl.dropboxusercontent.com") | order by Timestamp desc`},
	{"D1_discover", `DeviceNetworkEvents | where Timestamp > ago(30d) | invoke discover_apps()`},
}

func benchDB(b *testing.B) *DB {
	rows := int64(200_000)
	if s := os.Getenv("PROWL_BENCH_ROWS"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("PROWL_BENCH_ROWS: %v", err)
		}
		rows = n
	}
	dir := b.TempDir()
	cat, err := storage.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	if _, err := gen.WriteCatalog(context.Background(), gen.Config{Rows: rows, Days: 30, End: end}, cat, gen.CatalogOptions{}); err != nil {
		b.Fatal(err)
	}
	db, err := Open(dir, &Options{Now: func() time.Time { return end }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkQueries(b *testing.B) {
	db := benchDB(b)
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			for b.Loop() {
				res, err := db.Query(context.Background(), bq.q, nil)
				if err != nil {
					b.Fatal(err)
				}
				for res.Reader.Next() {
				}
				if err := res.Reader.Err(); err != nil {
					b.Fatal(err)
				}
				res.Close()
			}
		})
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

// tempDir is a directory shared by every test of the binary, removed by TestMain.
func tempDir() (string, error) { return os.MkdirTemp("", "prowl-test-") }

// TestCorpus runs every query of the lang corpus (realistic Defender hunting
// queries) that binds over the generated data: none may fail at run time.
func TestCorpus(t *testing.T) {
	db := testDB(t)
	files, _ := filepath.Glob("lang/testdata/corpus/*.kql")
	bindErr, ok, fail := 0, 0, 0
	for _, f := range files {
		q, _ := os.ReadFile(f)
		res, err := db.Query(context.Background(), string(q), nil)
		var el lang.ErrorList
		if errors.As(err, &el) && err != nil {
			bindErr++
			continue
		}
		if err == nil {
			for res.Reader.Next() {
			}
			err = res.Reader.Err()
			res.Close()
		}
		if err != nil {
			fail++
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		ok++
	}
	t.Logf("ok %d, bind errors %d, failures %d", ok, bindErr, fail)
	if ok < len(files)/2 {
		t.Errorf("only %d of %d corpus queries ran", ok, len(files))
	}
}

func TestDiscoveryServiceAndOwnHosts(t *testing.T) {
	mem, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if mem.Discovery() != nil {
		t.Errorf("in-memory DB has a discovery service")
	}
	db, err := Open(t.TempDir(), &Options{OwnHosts: []string{"prowl.corp.example"}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := db.Discovery()
	if svc == nil {
		t.Fatal("Discovery() is nil for a data directory")
	}
	if _, reason, ok := svc.NeverBlock().Conflict("prowl.corp.example"); !ok {
		t.Errorf("own host is not on the never-block list (reason %q)", reason)
	}
	if _, _, ok := svc.NeverBlock().Conflict("dropbox.com"); ok {
		t.Errorf("dropbox.com is on the never-block list")
	}
}
