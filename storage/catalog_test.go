package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prowl-hunt/prowl/schemas"
)

// Opening a data directory lists files without reading footers: a table with
// an unreadable file does not stop the directory from opening or the other
// tables from being used; that table's schema and scans report the file.
func TestCatalogReadsFootersOnFirstUse(t *testing.T) {
	dir := t.TempDir()
	cat, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceInfo")
	writeTable(t, cat, "DeviceInfo", WriterOptions{}, synth(s, 10, day0, time.Minute, 1))
	bad := filepath.Join(dir, "Custom", "date=2026-11-01", "broken.parquet")
	if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("not parquet at all"), 0o644); err != nil {
		t.Fatal(err)
	}

	cat, err = Open(dir)
	if err != nil {
		t.Fatalf("Open with a broken file in another table: %v", err)
	}
	if got := cat.DataTables(); strings.Join(got, ",") != "Custom,DeviceInfo" {
		t.Errorf("DataTables = %v", got)
	}
	if got, ok, err := cat.TableSchema("DeviceInfo"); err != nil || !ok || len(got) != len(s) {
		t.Errorf("DeviceInfo schema: %d columns, %v, %v", len(got), ok, err)
	}
	if _, _, err := cat.TableSchema("Custom"); err == nil || !strings.Contains(err.Error(), "broken.parquet") {
		t.Errorf("Custom schema error = %v, want one naming broken.parquet", err)
	}
	if _, ok := cat.Table("Custom"); ok {
		t.Error("Table(Custom) is known although its only file is unreadable")
	}
	if _, err := cat.Scan(context.Background(), ScanSpec{Table: "Custom"}); err == nil || !strings.Contains(err.Error(), "broken.parquet") {
		t.Errorf("scan error = %v, want one naming broken.parquet", err)
	}
	sc, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceInfo"})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var rows int64
	for _, m := range sc.Morsels() {
		rows += m.NumRows()
	}
	if rows != 10 {
		t.Errorf("DeviceInfo rows = %d, want 10", rows)
	}
}
