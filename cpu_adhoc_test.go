package prowl

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkCPUAdhoc(b *testing.B) {
	if os.Getenv("PROWL_CPU") == "" {
		return
	}
	db := benchDB(b)
	for _, bq := range benchQueries {
		const n = 5
		var best time.Duration = 1 << 62
		c0 := cpuNow()
		for i := 0; i < n; i++ {
			t0 := time.Now()
			res, err := db.Query(context.Background(), bq.q, nil)
			if err != nil {
				b.Fatal(err)
			}
			for res.Reader.Next() {
			}
			res.Close()
			if d := time.Since(t0); d < best {
				best = d
			}
		}
		b.Logf("%-12s cpu/query %6.1f ms   best wall %6.1f ms", bq.name, float64(cpuNow()-c0)/n/1e6, float64(best)/1e6)
	}
}
