package prowl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

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
	scan, _ := query(t, db, "DeviceNetworkEvents | summarize count()", nil)
	if len(meta) != 1 || meta[0] != fmt.Sprint(testRows) || scan[0] != meta[0] {
		t.Fatalf("count = %v, summarize count() = %v, want %d", meta, scan, testRows)
	}
	day := `DeviceNetworkEvents | where Timestamp >= datetime(2024-03-08) and Timestamp < datetime(2024-03-09) | `
	meta, _ = query(t, db, day+"count", nil)
	scan, _ = query(t, db, day+"summarize count()", nil)
	if meta[0] != scan[0] || meta[0] == "0" {
		t.Fatalf("one-day count: metadata %v, scan %v", meta, scan)
	}
}

func TestTakeReadsLittle(t *testing.T) {
	db := testDB(t)
	rows, res := query(t, db, "DeviceNetworkEvents | take 10", nil)
	if len(rows) != 10 {
		t.Fatalf("take 10 gave %d rows", len(rows))
	}
	if res.Stats.RowsScanned >= testRows/2 {
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

var _ = array.NewRecordReader
