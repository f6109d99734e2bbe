package fn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFloorMultiples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	sizes := []int64{1, 2, 3, 7, 60e9, 3600e9, 86400e9, 7 * 86400e9, math.MaxInt64, 1 << 62, 999999937}
	vals := []int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, math.MaxInt64 - 1}
	for i := 0; i < 2000; i++ {
		vals = append(vals, int64(rng.Uint64()), rng.Int64N(1e18)-5e17)
	}
	dst := make([]int64, len(vals))
	for _, s := range sizes {
		floorMultiples(vals, s, dst)
		for i, v := range vals {
			if want := floorDiv(v, s); dst[i] != want {
				t.Fatalf("floor(%d, %d) = %d, want %d", v, s, dst[i], want)
			}
		}
	}
}
