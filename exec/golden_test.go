package exec

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// catalogSource adapts storage.Catalog for tests (prowl.go has the real one).
type catalogSource struct{ *storage.Catalog }

func (s catalogSource) Scan(ctx context.Context, req ScanRequest) (Scanner, error) {
	spec := storage.ScanSpec{Table: req.Table, Columns: req.Columns, TimeMin: req.TimeMin, TimeMax: req.TimeMax}
	for _, f := range req.Filters {
		ops := map[FilterOp]storage.Op{FilterEq: storage.OpEq, FilterIn: storage.OpIn, FilterLt: storage.OpLt, FilterLe: storage.OpLe, FilterGt: storage.OpGt, FilterGe: storage.OpGe}
		spec.Filters = append(spec.Filters, storage.Filter{Column: f.Column, Op: ops[f.Op], Values: f.Values})
	}
	sc, err := s.Catalog.Scan(ctx, spec)
	if err != nil {
		return nil, err
	}
	return catalogScan{sc}, nil
}

func (s catalogSource) CountRows(ctx context.Context, table string, tmin, tmax time.Time) (int64, bool, error) {
	n, err := s.Catalog.CountRows(ctx, table, tmin, tmax)
	return n, err == nil, nil
}

type catalogScan struct{ s *storage.Scan }

func (c catalogScan) Run(ctx context.Context, w int, emit func(int, arrow.RecordBatch) error) error {
	return c.s.Run(ctx, w, emit)
}
func (c catalogScan) Stats() ScanStats {
	st := c.s.Stats()
	return ScanStats{RowsScanned: st.Rows, PartitionsRead: st.PartitionsRead, PartitionsTotal: st.PartitionsTotal, RowGroupsRead: int(st.RowGroupsRead), RowGroupsTotal: st.RowGroupsTotal}
}
func (c catalogScan) Close() { _ = c.s.Close() }

var (
	genOnce sync.Once
	genCat  *storage.Catalog
	genErr  error
)

func generated(t *testing.T) *storage.Catalog {
	t.Helper()
	genOnce.Do(func() {
		dir, err := os.MkdirTemp("", "prowl-exec-golden-")
		if err != nil {
			genErr = err
			return
		}
		genCat, genErr = writeFixture(dir)
	})
	if genErr != nil {
		t.Fatalf("generate: %v", genErr)
	}
	return genCat
}

// writeFixture writes a small deterministic dataset (3 days of
// DeviceNetworkEvents, DeviceInfo) with its own generator, so the golden
// answers depend only on the engine and the storage writer.
func writeFixture(dir string) (*storage.Catalog, error) {
	cat, err := storage.Open(dir)
	if err != nil {
		return nil, err
	}
	const rows, devices = 20_000, 20
	end := time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	start := end.Add(-72 * time.Hour)
	seed := uint64(42)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	urls := []string{"login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com", "www.office.com",
		"https://content.dropboxapi.com/download/setup.exe", "api.dropboxapi.com", "www.dropbox.com", "github.com",
		"wetransfer.com", "", "updates.example.org", "cdn.example.net/path?q=1"}
	actions := []string{"ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "ConnectionFound"}
	procs := []string{"chrome.exe", "msedge.exe", "svchost.exe", "OneDrive.exe", "teams.exe"}
	ports := []int64{443, 443, 443, 80, 8080, 53}
	netSchema := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "DeviceId", Type: kusto.String}, {Name: "DeviceName", Type: kusto.String},
		{Name: "ActionType", Type: kusto.String}, {Name: "RemoteUrl", Type: kusto.String}, {Name: "RemotePort", Type: kusto.Int},
		{Name: "InitiatingProcessFileName", Type: kusto.String}, {Name: "BytesSent", Type: kusto.Long}}
	ts := make([]int64, rows)
	ids, names, acts, rurls, pnames := make([]string, rows), make([]string, rows), make([]string, rows), make([]string, rows), make([]string, rows)
	rports, bytes := make([]int64, rows), make([]int64, rows)
	portValid := make([]bool, rows)
	for i := range ts {
		d := next(devices)
		// uneven days: the last day has a third of the traffic
		ts[i] = start.Add(time.Duration(next(60*60*60)) * time.Second).UnixNano()
		ids[i] = fmt.Sprintf("dev%02d", d)
		names[i] = fmt.Sprintf("host-%02d.corp.contoso.com", d)
		acts[i] = actions[next(len(actions))]
		rurls[i] = urls[(next(len(urls))+d)%len(urls)]
		rports[i], portValid[i] = ports[next(len(ports))], next(50) != 0
		pnames[i] = procs[next(len(procs))]
		bytes[i] = int64(next(2_000_000))
	}
	net := array.NewRecordBatch(karrow.Schema(netSchema), []arrow.Array{
		eval.NewInts(kusto.DateTime, ts, nil), eval.NewStrings(ids), eval.NewStrings(names), eval.NewStrings(acts),
		eval.NewStrings(rurls), eval.NewInts(kusto.Int, rports, portValid), eval.NewStrings(pnames), eval.NewInts(kusto.Long, bytes, nil),
	}, rows)
	infoSchema := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "DeviceId", Type: kusto.String}, {Name: "OSPlatform", Type: kusto.String}}
	var its []int64
	var iids, oss []string
	platforms := []string{"Windows10", "Windows11", "Linux", "macOS"}
	for day := 0; day < 3; day++ {
		for d := 0; d < devices; d++ {
			its = append(its, start.Add(time.Duration(day)*24*time.Hour).UnixNano())
			iids = append(iids, fmt.Sprintf("dev%02d", d))
			oss = append(oss, platforms[d%len(platforms)])
		}
	}
	info := array.NewRecordBatch(karrow.Schema(infoSchema), []arrow.Array{eval.NewInts(kusto.DateTime, its, nil), eval.NewStrings(iids), eval.NewStrings(oss)}, int64(len(its)))
	for table, rec := range map[string]arrow.RecordBatch{"DeviceNetworkEvents": net, "DeviceInfo": info} {
		w, err := cat.NewWriter(table, storage.WriterOptions{RowGroupRows: 2048})
		if err != nil {
			return nil, err
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
		if _, err := w.Commit(); err != nil {
			return nil, err
		}
	}
	if err := cat.Refresh(); err != nil {
		return nil, err
	}
	return cat, nil
}

// TestGolden runs testdata/golden/*.kql over a small generated dataset and
// compares the rows (sorted, so parallel plans compare equal) with *.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden queries: %v", err)
	}
	e := newTestEngine(catalogSource{generated(t)})
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := runQuery(t, e, string(q))
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			lines := []string{strings.Join(got.cols, "|")}
			var rows []string
			for _, r := range got.rows {
				rows = append(rows, strings.Join(r, "|"))
			}
			sort.Strings(rows)
			text := strings.Join(append(lines, rows...), "\n") + "\n"
			golden := strings.TrimSuffix(f, ".kql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), text); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		})
	}
}

func TestExplainPushdownAndPruning(t *testing.T) {
	e := newTestEngine(catalogSource{generated(t)})
	plan, err := e.Explain(context.Background(), `let recent = DeviceNetworkEvents | where Timestamp > ago(1d) and RemotePort in (80, 8080);
recent | where RemoteUrl has "dropbox" | join (DeviceInfo | distinct DeviceId, OSPlatform) on DeviceId | summarize count() by OSPlatform | order by count_ | take 3`, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"let recent (used once: inlined)",
		"scan DeviceNetworkEvents columns=4/",
		"Timestamp in [2024-03-09T00:00:00.000000001Z, +inf)",
		"RemotePort in (80, 8080)",
		"scan DeviceInfo columns=2/",
		"join probe runs in the scan workers",
		"join assembles 1 of ",
		"per-worker partial aggregation",
		"top 3 (heap)",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
}

// A function invoked on a table reads only the columns its body needs when
// the body is one pipe over its table parameter; a body that uses the
// parameter twice reads every column.
func TestExplainPruningThroughInvoke(t *testing.T) {
	e := newTestEngine(catalogSource{generated(t)})
	tests := []struct {
		query, want string
	}{
		{`let f = (T:(*)) { T | where RemotePort == 443 | extend Up = BytesSent * 2 | summarize sum(Up) by DeviceId };
DeviceNetworkEvents | invoke f()`, "scan DeviceNetworkEvents columns=3/"},
		{`let f = (T:(*)) { T | project DeviceId, RemoteUrl };
DeviceNetworkEvents | invoke f() | where RemoteUrl has "x" | project RemoteUrl`, "scan DeviceNetworkEvents columns=2/"},
		{`let g = (T:(*)) { T | join kind=leftsemi (T | take 1) on DeviceId };
DeviceNetworkEvents | invoke g() | count`, "scan DeviceNetworkEvents columns=all"},
	}
	for _, tc := range tests {
		plan, err := e.Explain(context.Background(), tc.query, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		got := regexp.MustCompile(`scan DeviceNetworkEvents columns=(\d+)/(\d+)`).FindStringSubmatch(plan)
		if got == nil {
			t.Fatalf("no scan in plan:\n%s", plan)
		}
		if strings.HasSuffix(tc.want, "all") {
			if got[1] != got[2] {
				t.Errorf("%s: scan reads %s of %s columns, want all:\n%s", tc.query, got[1], got[2], plan)
			}
		} else if !strings.Contains(plan, tc.want) {
			t.Errorf("%s: plan lacks %q:\n%s", tc.query, tc.want, plan)
		}
	}
}
