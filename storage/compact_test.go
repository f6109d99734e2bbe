package storage

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/schemas"
)

func TestCompactWithConcurrentReaders(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	var recs []arrow.RecordBatch
	for i := 0; i < 6; i++ {
		// each commit spans two days: 2 files per commit
		rec := synth(s, 1000, day0.Add(time.Duration(i)*time.Hour), 120*time.Second+time.Duration(i)*time.Second, uint64(i))
		defer rec.Release()
		recs = append(recs, rec)
		writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{RowGroupRows: 300}, rec)
	}
	want := rowsOf(recs...)
	sortRows(want)
	files, _ := filepath.Glob(filepath.Join(cat.Dir(), "DeviceNetworkEvents", "date=*", "*.parquet"))
	if len(files) != 12 {
		t.Fatalf("%d files before compaction", len(files))
	}

	ctx := context.Background()
	var stop atomic.Bool
	var scans atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				sc, err := cat.Scan(ctx, ScanSpec{Table: "DeviceNetworkEvents", Columns: []string{"Timestamp"}})
				if err != nil {
					errc <- err
					return
				}
				err = sc.Run(ctx, 1, func(int, arrow.RecordBatch) error { return nil })
				rows := sc.Stats().Rows
				sc.Close()
				if err != nil {
					errc <- err
					return
				}
				if rows != 6000 {
					errc <- errors.New("a scan during compaction saw " + itoa(int(rows)) + " rows, want 6000")
					return
				}
				scans.Add(1)
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	info, err := cat.Compact(ctx, "DeviceNetworkEvents")
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errc)
	for e := range errc {
		t.Error(e)
	}
	if err != nil {
		t.Fatal(err)
	}
	if info.Partitions != 2 || info.FilesBefore != 12 || info.FilesAfter != 2 || info.Rows != 6000 {
		t.Errorf("compact info %+v", info)
	}
	if scans.Load() == 0 {
		t.Error("no scan ran during the test")
	}
	files, _ = filepath.Glob(filepath.Join(cat.Dir(), "DeviceNetworkEvents", "date=*", "*.parquet"))
	if len(files) != 2 {
		t.Errorf("%d files after compaction, want 2", len(files))
	}
	hidden, _ := filepath.Glob(filepath.Join(cat.Dir(), "DeviceNetworkEvents", ".compact-*"))
	if len(hidden) != 0 {
		t.Errorf("leftover %v", hidden)
	}
	got, _ := collect(t, cat, ScanSpec{Table: "DeviceNetworkEvents"})
	if diff := diffRows(want, got); diff != "" {
		t.Fatalf("rows changed by compaction (-want +got):\n%.2000s", diff)
	}
	// A second compaction has nothing to do.
	info, err = cat.Compact(ctx, "DeviceNetworkEvents")
	if err != nil || info.Partitions != 0 {
		t.Errorf("second compaction: %+v, %v", info, err)
	}
}

func TestScanCancellation(t *testing.T) {
	cat, _ := fiveDays(t)
	ctx, cancel := context.WithCancel(context.Background())
	sc, err := cat.Scan(ctx, ScanSpec{Table: "DeviceNetworkEvents", BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var batches atomic.Int64
	err = sc.Run(ctx, 2, func(int, arrow.RecordBatch) error {
		if batches.Add(1) == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := batches.Load(); n > 6 {
		t.Errorf("%d batches after cancellation", n)
	}
	// A cancelled context fails Scan itself too.
	if _, err := cat.Scan(ctx, ScanSpec{Table: "DeviceNetworkEvents"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan with cancelled context: %v", err)
	}
}

func TestCallbackErrorStopsScan(t *testing.T) {
	cat, _ := fiveDays(t)
	sc, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceNetworkEvents", BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	boom := errors.New("boom")
	err = sc.Run(context.Background(), 2, func(int, arrow.RecordBatch) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// Commits that race with a compaction are neither lost nor duplicated.
func TestCompactWithConcurrentCommits(t *testing.T) {
	cat, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	for i := 0; i < 4; i++ {
		rec := synth(s, 500, day0.Add(time.Duration(i)*time.Minute), time.Second, uint64(i))
		writeTable(t, cat, "DeviceNetworkEvents", WriterOptions{}, rec)
		rec.Release()
	}
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 4; i++ {
			rec := synth(s, 500, day0.Add(time.Duration(10+i)*time.Minute), time.Second, uint64(10+i))
			w, err := cat.NewWriter("DeviceNetworkEvents", WriterOptions{})
			if err == nil {
				err = w.Write(rec)
			}
			if err == nil {
				_, err = w.Commit()
			}
			rec.Release()
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 3; i++ {
		if _, err := cat.Compact(context.Background(), "DeviceNetworkEvents"); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	n, err := cat.CountRows(context.Background(), "DeviceNetworkEvents", time.Time{}, time.Time{})
	if err != nil || n != 4000 {
		t.Fatalf("count = %d, %v; want 4000", n, err)
	}
}
