package discovery_test

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"

	"github.com/prowl-hunt/prowl"
)

func TestZZDiscPerf(t *testing.T) {
	q := os.Getenv("DPQ")
	if q == "" {
		t.Skip()
	}
	db, err := prowl.Open("../bench/data/10M", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, _ := os.Create("/tmp/dp/cpu.out")
	pprof.StartCPUProfile(f)
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
	pprof.StopCPUProfile()
}
