package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/schemas"
)

var lastWriteCPU time.Duration

func benchRows() int {
	if v, err := strconv.Atoi(os.Getenv("PROWL_BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// benchData writes benchRows() DeviceNetworkEvents rows (one day) in
// batches and returns the catalog. With reuse and PROWL_BENCH_DIR=dir set, the
// data is kept under dir and later runs with the same options read it again
// instead of writing (the returned duration is then 0).
func benchData(b *testing.B, opts WriterOptions, reuse bool) (*Catalog, time.Duration) {
	b.Helper()
	dir := b.TempDir()
	n := benchRows()
	keep := ""
	if d := os.Getenv("PROWL_BENCH_DIR"); d != "" && reuse {
		keep = filepath.Join(d, fmt.Sprintf("synth-%d-%d-%d-%d", n, opts.Codec, opts.RowGroupRows, opts.PageBytes))
		if _, err := os.Stat(keep); err == nil {
			cat, err := Open(keep)
			if err != nil {
				b.Fatal(err)
			}
			return cat, 0
		}
		dir = keep + ".tmp"
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
	}
	cat, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	const chunk = 100_000
	var recs []arrow.RecordBatch
	for off := 0; off < n; off += chunk {
		m := min(chunk, n-off)
		recs = append(recs, synth(s, m, day0.Add(time.Duration(off)*time.Millisecond), time.Millisecond, uint64(off)))
	}
	start, cpu0 := time.Now(), cpuTime()
	writeTable(b, cat, "DeviceNetworkEvents", opts, recs...)
	took := time.Since(start)
	lastWriteCPU = cpuTime() - cpu0
	for _, r := range recs {
		r.Release()
	}
	if keep != "" {
		// complete data only: a run stopped midway leaves just the .tmp folder
		if err := os.Rename(dir, keep); err != nil {
			b.Fatal(err)
		}
		if cat, err = Open(keep); err != nil {
			b.Fatal(err)
		}
	}
	return cat, took
}

func BenchmarkWrite(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, took := benchData(b, WriterOptions{}, false)
		b.ReportMetric(float64(benchRows())/took.Seconds(), "rows/s")
		b.ReportMetric(float64(lastWriteCPU.Nanoseconds())/float64(benchRows()), "cpu-ns/row")
	}
}

// BenchmarkScanAllColumns scans every column of benchRows() synthetic
// DeviceNetworkEvents rows (one day, row groups of 128 Ki rows; random numbers
// and three high-cardinality plain string columns, so it is harder on the
// decoder than BenchmarkScanGen's generated data), discarding the batches.
//
// MB/s counts Parquet bytes: the column chunks' total uncompressed size
// (page headers, levels, dictionary and data pages as encoded, before
// compression) per wall-clock second. MB/cpu-s is the same per CPU-second of
// the process; arrowMB/s and arrowMB/cpu-s count the bytes of the Arrow
// buffers produced (values, offsets, string bytes, dictionary indices,
// validity bitmaps). The per-CPU-second figures are what other load on a
// shared machine distorts least. PROWL_BENCH_DIR=dir keeps the written data
// in dir for later runs.
func BenchmarkScanAllColumns(b *testing.B) {
	for _, c := range []struct {
		name  string
		codec Codec
	}{{"zstd", Zstd}, {"snappy", Snappy}} {
		b.Run(c.name, func(b *testing.B) { benchScan(b, c.codec) })
	}
}

func benchScan(b *testing.B, codec Codec) {
	cat, _ := benchData(b, WriterOptions{RowGroupRows: 128 * 1024, Codec: codec}, true)
	ctx := context.Background()
	workers := 0
	b.ResetTimer()
	cpu0 := cpuTime()
	var st ScanStats
	for i := 0; i < b.N; i++ {
		sc, err := cat.Scan(ctx, ScanSpec{Table: "DeviceNetworkEvents"})
		if err != nil {
			b.Fatal(err)
		}
		workers = runtime.GOMAXPROCS(0)
		if err := sc.Run(ctx, workers, func(int, arrow.RecordBatch) error { return nil }); err != nil {
			b.Fatal(err)
		}
		st = sc.Stats()
		sc.Close()
	}
	cpu := cpuTime() - cpu0
	b.SetBytes(st.BytesRead)
	b.ReportMetric(float64(st.BytesRead)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/cpu.Seconds()/1e6, "arrowMB/cpu-s")
	b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "arrowMB/s")
}
