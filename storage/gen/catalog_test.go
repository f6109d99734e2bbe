package gen

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/storage"
)

func TestWriteCatalog(t *testing.T) {
	dir := t.TempDir()
	cat, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := smallConfig()
	cfg.Rows, cfg.Days = 10_000, 3
	res, err := WriteCatalog(context.Background(), cfg, cat, CatalogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) == 0 {
		t.Fatal("no files committed")
	}
	for _, table := range Tables {
		days, err := filepath.Glob(filepath.Join(dir, table, "date=*"))
		if err != nil || len(days) != cfg.Days {
			t.Errorf("%s: %d day folders (%v), want %d", table, len(days), err, cfg.Days)
		}
		if _, ok := cat.Table(table); !ok {
			t.Errorf("catalog has no %s", table)
		}
		for _, d := range days {
			files, _ := filepath.Glob(filepath.Join(d, "*.parquet"))
			if len(files) != 1 {
				t.Errorf("%s: %d files, want one per day", d, len(files))
			}
		}
	}
	var rows int64
	sc, err := cat.Scan(context.Background(), storage.ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"RemoteUrl"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Run(context.Background(), 1, func(_ int, rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rows != cfg.Rows {
		t.Errorf("scanned %d rows, wrote %d", rows, cfg.Rows)
	}
	for _, f := range res.Files {
		if !strings.HasSuffix(f, ".parquet") {
			t.Errorf("file %s", f)
		}
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkWriteCatalog measures generating and writing DeviceNetworkEvents
// (go test -bench WriteCatalog -benchtime 1x; GEN_ROWS overrides the rows).
func BenchmarkWriteCatalog(b *testing.B) {
	rows := int64(1_000_000)
	if s := os.Getenv("GEN_ROWS"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			rows = n
		}
	}
	for b.Loop() {
		cat, err := storage.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := WriteCatalog(context.Background(), Config{Rows: rows, End: testEnd}, cat, CatalogOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
