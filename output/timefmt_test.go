package output

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/prowl-hunt/prowl/kusto"
)

// The allocation-free appenders must agree with the kusto package's forms.
func TestTimeFormatsMatchKusto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, -1, 100, -100, 999_999_999, -999_999_999, 1e9, -1e9, 86400e9, -86400e9 - 1,
		math.MaxInt64, math.MinInt64 + 1}
	for range 2000 {
		vals = append(vals, r.Int64(), -r.Int64(), r.Int64N(1e14), r.Int64N(1e9)*100)
	}
	for _, ns := range vals {
		if got, want := string(appendDateTime(nil, ns)), kusto.FormatDateTimeISO(ns); got != want {
			t.Errorf("appendDateTime(%d) = %q, want %q", ns, got, want)
		}
		if got, want := string(appendTimeSpan(nil, ns)), kusto.FormatTimeSpan(ns); got != want {
			t.Errorf("appendTimeSpan(%d) = %q, want %q", ns, got, want)
		}
	}
}
