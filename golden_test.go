package prowl

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/output"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/*.csv from the current engine")

// goldenConfig is the dataset the golden answers were frozen on; bench's
// crosscheck mode checked every answer on it against DuckDB
// (`make -C bench golden`).
var goldenConfig = gen.GoldenConfig()

// TestGolden runs every testdata/golden/*.kql query over the golden dataset and
// compares its CSV output with the .csv beside it. Rows are compared as a
// sorted set unless the query's last operator orders them (top, order by,
// sort by). Run with -update to rewrite the .csv files, and only after
// `make -C bench golden` agreed with DuckDB.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.kql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden queries in testdata/golden")
	}
	dir := t.TempDir()
	start := time.Now()
	cat, err := storage.Open(dir)
	if err != nil {
		t.Fatalf("open catalog: %v", err)
	}
	if _, err := gen.WriteCatalog(context.Background(), goldenConfig, cat, gen.CatalogOptions{}); err != nil {
		cat.Close()
		t.Fatalf("generate: %v", err)
	}
	if err := cat.Close(); err != nil {
		t.Fatalf("close catalog: %v", err)
	}
	t.Logf("generated the golden dataset in %s", time.Since(start).Round(time.Millisecond))
	db, err := Open(dir, &Options{Now: func() time.Time { return goldenConfig.End }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()

	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := goldenCSV(db, string(q))
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			ordered := ordersRows(string(q))
			if !ordered {
				got = sortRows(got)
			}
			want := strings.TrimSuffix(f, ".kql") + ".csv"
			if *updateGolden {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			wantText := string(b)
			if !ordered {
				wantText = sortRows(wantText)
			}
			if diff := cmp.Diff(strings.Split(wantText, "\n"), strings.Split(got, "\n")); diff != "" {
				t.Errorf("%s: answer differs from %s (-want +got):\n%s", name, want, diff)
			}
		})
	}
}

// goldenCSV runs q and renders the whole result as CSV.
func goldenCSV(db *DB, q string) (string, error) {
	ctx := context.Background()
	res, err := db.Query(ctx, q, nil)
	if err != nil {
		return "", err
	}
	defer res.Close()
	var buf bytes.Buffer
	if _, err := output.Write(ctx, &buf, output.CSV, res.Columns, res.Reader, output.Options{}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// ordersRows reports whether the last operator of q fixes the row order.
func ordersRows(q string) bool {
	ops := strings.Split(q, "|")
	last := strings.Fields(ops[len(ops)-1])
	if len(last) == 0 {
		return false
	}
	switch last[0] {
	case "top", "order", "sort":
		return true
	}
	return false
}

// sortRows sorts the lines of a CSV text after its header. Golden values hold
// no embedded newlines, so a line is a row.
func sortRows(csv string) string {
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	if len(lines) > 1 {
		slices.Sort(lines[1:])
	}
	return strings.Join(lines, "\n") + "\n"
}
