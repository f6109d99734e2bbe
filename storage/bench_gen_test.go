package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// genBenchRows is PROWL_BENCH_ROWS (default 1,000,000; the figure is
// for 10,000,000).
func genBenchRows() int64 {
	if v, err := strconv.ParseInt(os.Getenv("PROWL_BENCH_ROWS"), 10, 64); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// genCatalog writes a `prowl gen` dataset (30 days, writer defaults but the
// codec) and opens it. With PROWL_BENCH_DIR set the dataset is kept there and
// reused by later runs with the same rows and codec.
func genCatalog(b *testing.B, codec storage.Codec) *storage.Catalog {
	b.Helper()
	rows := genBenchRows()
	dir, keep := b.TempDir(), ""
	if d := os.Getenv("PROWL_BENCH_DIR"); d != "" {
		keep = filepath.Join(d, fmt.Sprintf("gen-%d-%d", rows, codec))
		if _, err := os.Stat(keep); err == nil {
			cat, err := storage.Open(keep)
			if err != nil {
				b.Fatal(err)
			}
			return cat
		}
		dir = keep + ".tmp"
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
	}
	cat, err := storage.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	cfg := gen.Config{Rows: rows, End: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	opts := gen.CatalogOptions{Writer: storage.WriterOptions{Codec: codec}}
	if _, err := gen.WriteCatalog(context.Background(), cfg, cat, opts); err != nil {
		b.Fatal(err)
	}
	if keep != "" {
		// complete data only: a run stopped midway leaves just the .tmp folder
		if err := os.Rename(dir, keep); err != nil {
			b.Fatal(err)
		}
		dir = keep
	}
	if cat, err = storage.Open(dir); err != nil {
		b.Fatal(err)
	}
	return cat
}

// BenchmarkScanGen scans every column of the DeviceNetworkEvents table of a
// generated dataset, discarding the batches:
//
//	PROWL_BENCH_ROWS=10000000 PROWL_BENCH_DIR=/tmp/prowlbench go test -run XX -bench ScanGen -cpu 1,2 -benchtime 3x ./storage
//
// MB/s is Parquet bytes: the column chunks' total uncompressed size (page
// headers, levels, dictionary and data pages as encoded, before compression)
// per wall-clock second. arrowMB/s is the bytes of the Arrow buffers produced
// (values, offsets, string bytes, dictionary indices, validity bitmaps) per
// wall-clock second, arrowMB/cpu-s the same per CPU-second of the whole
// process, which other load on the machine does not distort.
func BenchmarkScanGen(b *testing.B) {
	for _, c := range []struct {
		name  string
		codec storage.Codec
	}{{"zstd", storage.Zstd}, {"snappy", storage.Snappy}} {
		b.Run(c.name, func(b *testing.B) {
			cat := genCatalog(b, c.codec)
			ctx := context.Background()
			b.ResetTimer()
			cpu0 := processCPU()
			var st storage.ScanStats
			for i := 0; i < b.N; i++ {
				sc, err := cat.Scan(ctx, storage.ScanSpec{Table: "DeviceNetworkEvents"})
				if err != nil {
					b.Fatal(err)
				}
				err = sc.Run(ctx, runtime.GOMAXPROCS(0), func(int, arrow.RecordBatch) error { return nil })
				st = sc.Stats()
				sc.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			cpu := processCPU() - cpu0
			b.SetBytes(st.BytesRead)
			b.ReportMetric(float64(st.BytesRead)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
			b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/cpu.Seconds()/1e6, "arrowMB/cpu-s")
			b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "arrowMB/s")
			b.ReportMetric(float64(st.Rows), "rows")
		})
	}
}

// processCPU is the process's user+system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
