package exec

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRange(t *testing.T) {
	tests := []struct{ name, q, cols, rows string }{
		{"long", `range x from 1 to 5 step 2`, "x:long", "1\n3\n5"},
		{"descending", `range x from 5 to 1 step -2`, "x:long", "5\n3\n1"},
		{"empty", `range x from 5 to 1 step 1`, "x:long", ""},
		{"real", `range x from 0.0 to 1.0 step 0.25`, "x:real", "0\n0.25\n0.5\n0.75\n1"},
		{"datetime", `range t from datetime(2024-01-01) to datetime(2024-01-01 02:00) step 1h`, "t:datetime",
			"2024-01-01T00:00:00.0000000Z\n2024-01-01T01:00:00.0000000Z\n2024-01-01T02:00:00.0000000Z"},
		{"timespan", `range d from 1h to 3h step 1h`, "d:timespan", "01:00:00\n02:00:00\n03:00:00"},
		{"near max long stops without overflow", `range x from 9223372036854775806 to 9223372036854775807 step 5`, "x:long", "9223372036854775806"},
		{"several batches", `range x from 1 to 200000 step 1 | summarize count(), sum(x), min(x), max(x)`, "", "200000|20000100000|1|200000"},
		{"take stops early", `range x from 1 to 9000000000000 step 1 | take 3`, "", "1\n2\n3"},
	}
	e := newTestEngine(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, e, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if tc.cols != "" {
				if diff := cmp.Diff(strings.Split(tc.cols, ","), got.cols); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(rowsOf(tc.rows), got.rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRangeHonoursDeadline(t *testing.T) {
	e := newTestEngine(nil)
	for _, q := range []string{
		`range x from 1 to 2000000000 step 1 | summarize count()`,
		`range x from 1 to 2000000000 step 1 | where x % 7 == 0 | count`,
		`range x from 1 to 2000000000 step 1 | order by x asc | take 1`,
		`range x from 1 to 20000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 20000 step 1 | extend k = 1) on k | count`,
		`range x from 1 to 20000000 step 1 | order by x desc`,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		res, err := e.Query(ctx, q, nil)
		if err == nil {
			for res.Reader.Next() {
			}
			err = res.Reader.Err()
			res.Close()
		}
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want context.DeadlineExceeded", q, err)
		}
	}
}
