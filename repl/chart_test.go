package repl

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// runBatches runs a query on an in-memory DB and returns its batches.
func runBatches(t *testing.T, db *prowl.DB, q string) (*prowl.Result, []arrow.RecordBatch) {
	t.Helper()
	res, err := db.Query(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	t.Cleanup(res.Close)
	var out []arrow.RecordBatch
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	if err := res.Reader.Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, r := range out {
			r.Release()
		}
	})
	return res, out
}

func TestDrawChartGolden(t *testing.T) {
	db, err := prowl.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct{ name, query string }{
		{"columnchart", `datatable(App:string, Up:long) ["Dropbox", 1200, "Box", 300, "OneDrive", 650, "WeTransfer", 0]
| render columnchart`},
		{"barchart_real", `datatable(Device:string, Ratio:real) ["wks-1", 0.25, "wks-2", 1.5, "a-device-with-a-very-long-name-that-gets-cut", 0.75]
| render barchart`},
		{"piechart", `datatable(Protocol:string, n:long) ["Tcp", 75, "Udp", 20, "Icmp", 5] | render piechart with (title="protocols")`},
		{"timechart_bins", `range h from 0 to 5 step 1
| extend Timestamp = datetime(2024-01-01) + h * 1h, n = h * h
| project Timestamp, n
| render timechart`},
		{"timechart_series", `datatable(Timestamp:datetime, Proto:string, n:long) [
  datetime(2024-01-02), "Tcp", 10, datetime(2024-01-01), "Tcp", 4, datetime(2024-01-01), "Udp", 2, datetime(2024-01-03), "Udp", 8]
| render timechart`},
		{"timechart_sparkline", `range h from 0 to 99 step 1
| extend Timestamp = datetime(2024-01-01) + h * 1h, n = h % 24
| project Timestamp, n
| render timechart`},
		{"timechart_days_ycolumns", `range d from 0 to 2 step 1
| extend Day = datetime(2024-03-01) + d * 1d, a = d + 1, b = 10 - d
| render timechart with (xcolumn=Day, ycolumns=b)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, batches := runBatches(t, db, tc.query)
			if res.Render == nil {
				t.Fatalf("query has no render hint")
			}
			var buf bytes.Buffer
			if err := DrawChart(&buf, res.Render.Kind, res.Render.Props, res.Columns, batches, 60); err != nil {
				t.Fatalf("DrawChart: %v", err)
			}
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("golden file: %v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("chart differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func TestDrawChartErrors(t *testing.T) {
	db, err := prowl.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct{ query, want string }{
		{`print s = "a" | render timechart`, "no datetime column"},
		{`print s = "a" | render columnchart`, "no numeric column"},
		{`print s = "a", n = 1 | render columnchart with (ycolumns=m)`, `no column "m"`},
	}
	for _, tc := range tests {
		res, batches := runBatches(t, db, tc.query)
		err := DrawChart(&bytes.Buffer{}, res.Render.Kind, res.Render.Props, res.Columns, batches, 80)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DrawChart(%s) error = %v, want %q", tc.query, err, tc.want)
		}
	}
}

func TestBar(t *testing.T) {
	for cells, want := range map[float64]string{0: "", 1: "█", 2.5: "██▌", 0.125: "▏", 3.99: "████", -1: ""} {
		if got := bar(cells); got != want {
			t.Errorf("bar(%v) = %q, want %q", cells, got, want)
		}
	}
}
