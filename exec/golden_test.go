package exec

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
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
		cat, err := storage.Open(dir)
		if err != nil {
			genErr = err
			return
		}
		cfg := gen.Config{Rows: 20_000, Days: 3, Devices: 20, Users: 30, TailDomains: 200, BatchRows: 2048,
			End: time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)}
		_, genErr = gen.WriteCatalog(context.Background(), cfg, cat, gen.CatalogOptions{Writer: storage.WriterOptions{RowGroupRows: 2048}})
		genCat = cat
	})
	if genErr != nil {
		t.Fatalf("generate: %v", genErr)
	}
	return genCat
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
		"per-worker partial aggregation",
		"top 3 (heap)",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
}
