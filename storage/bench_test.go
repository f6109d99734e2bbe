package storage

import (
	"context"
	"os"
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
// batches and returns the catalog.
func benchData(b *testing.B, opts WriterOptions) (*Catalog, time.Duration) {
	b.Helper()
	cat, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	n := benchRows()
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
	return cat, took
}

func BenchmarkWrite(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, took := benchData(b, WriterOptions{})
		b.ReportMetric(float64(benchRows())/took.Seconds(), "rows/s")
		b.ReportMetric(float64(lastWriteCPU.Nanoseconds())/float64(benchRows()), "cpu-ns/row")
	}
}

func BenchmarkScanAllColumns(b *testing.B) {
	for _, c := range []struct {
		name  string
		codec Codec
	}{{"zstd", Zstd}, {"snappy", Snappy}} {
		b.Run(c.name, func(b *testing.B) { benchScan(b, c.codec) })
	}
}

func benchScan(b *testing.B, codec Codec) {
	cat, _ := benchData(b, WriterOptions{RowGroupRows: 128 * 1024, Codec: codec})
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
	b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/cpu.Seconds()/1e6, "arrowMB/cpu-s")
	b.ReportMetric(float64(st.ArrowBytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "arrowMB/s")
}
