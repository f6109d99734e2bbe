package prowl

import (
	"context"
	"os"
	"runtime/pprof"
	"runtime"
	"testing"
	"time"
)

func TestZZProf(t *testing.T) {
	q := os.Getenv("ZZQ")
	if q == "" {
		t.Skip()
	}
	db, err := Open("bench/data/10M", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var peak uint64
	stop := make(chan bool)
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak {
				peak = ms.HeapInuse
			}
		}
	}()
	defer func() { close(stop); t.Logf("peak heap %d MiB", peak>>20) }()
	f, _ := os.Create("/tmp/prof/cpu.out")
	pprof.StartCPUProfile(f)
	for i := 0; i < zzn(); i++ {
		st := time.Now()
		defer func() { t.Logf("query %v", time.Since(st)) }()
		res, err := db.Query(context.Background(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		for res.Reader.Next() {
		}
		if err := res.Reader.Err(); err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	pprof.StopCPUProfile()
}

func zzn() int {
	if os.Getenv("ZZN") == "1" {
		return 1
	}
	return 3
}
