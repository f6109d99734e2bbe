package storage

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/schemas"
)

// fiveDays writes 5 days × 4000 rows (row groups of 1000 rows, i.e. 6 hours each).
func fiveDays(t *testing.T) (*Catalog, arrow.RecordBatch) {
	t.Helper()
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	rec := synth(s, 20000, day0, 5*24*time.Hour/20000, 2)
	t.Cleanup(rec.Release)
	writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{RowGroupRows: 1000}, rec)
	return cat, rec
}

func TestTimePruning(t *testing.T) {
	cat, _ := fiveDays(t)
	tests := []struct {
		name          string
		min, max      time.Time
		parts, rgs    int
		prunedByStats int
		rows          int64
	}{
		{"all", time.Time{}, time.Time{}, 5, 20, 0, 20000},
		{"one day", day0.Add(48 * time.Hour), day0.Add(72 * time.Hour), 1, 4, 0, 4000},
		{"six hours inside a day", day0.Add(49 * time.Hour), day0.Add(50 * time.Hour), 1, 1, 3, 1000},
		{"open start", time.Time{}, day0.Add(24 * time.Hour), 1, 4, 0, 4000},
		{"before data", day0.Add(-72 * time.Hour), day0.Add(-48 * time.Hour), 0, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, st := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"Timestamp", "DeviceId"}, TimeMin: tc.min, TimeMax: tc.max})
			if st.PartitionsTotal != 5 || st.PartitionsRead != tc.parts || st.RowGroupsRead != int64(tc.rgs) ||
				st.RowGroupsPrunedByStats != tc.prunedByStats || st.Rows != tc.rows {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestCountRows(t *testing.T) {
	cat, rec := fiveDays(t)
	ctx := context.Background()
	ts := rec.Column(0)
	for _, r := range []struct{ min, max time.Time }{
		{},
		{day0.Add(30 * time.Hour), day0.Add(31 * time.Hour)},
		{day0.Add(7*time.Hour + 13*time.Minute), day0.Add(100*time.Hour + 1*time.Second)},
		{day0.Add(24 * time.Hour), time.Time{}},
	} {
		var want int64
		for i := 0; i < int(rec.NumRows()); i++ {
			v := cell(ts, i).(int64)
			if (r.min.IsZero() || v >= r.min.UnixNano()) && (r.max.IsZero() || v < r.max.UnixNano()) {
				want++
			}
		}
		got, err := cat.CountRows(ctx, "DeviceNetworkEvents", r.min, r.max)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("count [%v, %v) = %d, want %d", r.min, r.max, got, want)
		}
	}
}

func TestFilterPruning(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := kusto.Schema{{Name: "Timestamp", Type: kusto.DateTime}, {Name: "RemoteUrl", Type: kusto.String},
		{Name: "RemotePort", Type: kusto.Int}, {Name: "BytesSent", Type: kusto.Long}, {Name: "Score", Type: kusto.Real}}
	// 4 row groups of 1000 rows; row group g has urls "g<g>-<i%50>.com", ports 1000g..1000g+999
	var recs []arrow.RecordBatch
	for g := 0; g < 4; g++ {
		recs = append(recs, buildRows(t, s, 1000, func(i int) []any {
			return []any{day0.Add(time.Duration(g*1000+i) * time.Second),
				"g" + string(rune('0'+g)) + "-" + itoa(i%50) + ".com",
				int32(1000*g + i), int64(g), float64(g) + 0.5}
		}))
	}
	writeTable(t, cat, "T", WriterOptions{RowGroupRows: 1000, BloomColumns: []string{"RemoteUrl", "RemotePort"}}, recs...)
	tests := []struct {
		name               string
		f                  Filter
		read, stats, bloom int
	}{
		{"eq by stats", Filter{"RemoteUrl", OpEq, []any{"g2-7.com"}}, 1, 3, 0},
		// inside every row group's [min, max] but absent: only bloom filters can tell
		{"eq by bloom", Filter{"RemoteUrl", OpEq, []any{"g2-7.comx"}}, 0, 3, 1},
		{"in", Filter{"RemoteUrl", OpIn, []any{"g0-1.com", "g3-49.com"}}, 2, 2, 0},
		{"int eq", Filter{"RemotePort", OpEq, []any{int64(2500)}}, 1, 3, 0},
		{"int lt", Filter{"RemotePort", OpLt, []any{int64(1000)}}, 1, 3, 0},
		{"int le", Filter{"RemotePort", OpLe, []any{int64(1000)}}, 2, 2, 0},
		{"long gt", Filter{"BytesSent", OpGt, []any{int64(2)}}, 1, 3, 0},
		{"long ge", Filter{"BytesSent", OpGe, []any{int64(2)}}, 2, 2, 0},
		{"long ne", Filter{"BytesSent", OpNe, []any{int64(2)}}, 3, 1, 0},
		{"real", Filter{"Score", OpGe, []any{2.0}}, 2, 2, 0},
		{"wrong constant type keeps all", Filter{"RemotePort", OpEq, []any{"x"}}, 4, 0, 0},
		{"empty string pruned when no nulls", Filter{"RemoteUrl", OpEq, []any{""}}, 0, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, st := collect(t, cat, ScanSpec{Table: "T", Columns: []string{"RemoteUrl"}, Filters: []Filter{tc.f}})
			if int(st.RowGroupsRead) != tc.read || st.RowGroupsPrunedByStats != tc.stats || st.RowGroupsPrunedByBloom != tc.bloom {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// Timestamp comparisons in Filters prune day folders like TimeMin/TimeMax.
func TestTimestampFiltersPruneDays(t *testing.T) {
	cat, _ := fiveDays(t)
	d2 := day0.Add(48 * time.Hour)
	tests := []struct {
		name  string
		f     []Filter
		parts int
		rows  int64
	}{
		{"ge and lt", []Filter{{"Timestamp", OpGe, []any{d2}}, {"Timestamp", OpLt, []any{d2.Add(24 * time.Hour)}}}, 1, 4000},
		{"gt", []Filter{{"Timestamp", OpGt, []any{day0.Add(96 * time.Hour)}}}, 1, 4000},
		{"eq", []Filter{{"Timestamp", OpEq, []any{d2.Add(time.Hour)}}}, 1, 1000},
		{"le", []Filter{{"Timestamp", OpLe, []any{day0.Add(time.Hour)}}}, 1, 1000},
		{"not a time keeps all", []Filter{{"Timestamp", OpGe, []any{int64(5)}}}, 5, 20000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, st := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"Timestamp"}, Filters: tc.f})
			if st.PartitionsRead != tc.parts || st.Rows != tc.rows {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// A scan of no columns still yields the row counts (count without reading data).
func TestZeroColumnScan(t *testing.T) {
	cat, _ := fiveDays(t)
	sc, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{}, TimeMin: day0, TimeMax: day0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var rows atomic.Int64
	err = sc.Run(context.Background(), 2, func(_ int, b arrow.RecordBatch) error {
		if b.NumCols() != 0 {
			t.Errorf("%d columns", b.NumCols())
		}
		rows.Add(b.NumRows())
		return nil
	})
	if err != nil || rows.Load() != 4000 || sc.Stats().BytesRead != 0 {
		t.Fatalf("rows %d, err %v, stats %+v", rows.Load(), err, sc.Stats())
	}
}
