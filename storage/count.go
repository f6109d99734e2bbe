package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/kusto"
)

// CountRows returns the exact number of rows of table whose Timestamp lies in
// [tmin, tmax) (zero bounds are open; with both open every row counts, null
// Timestamps included). Row groups wholly inside the range are counted from
// metadata; only those straddling a bound have their Timestamp column read.
func (c *Catalog) CountRows(ctx context.Context, table string, tmin, tmax time.Time) (int64, error) {
	bounded := !tmin.IsZero() || !tmax.IsZero()
	if bounded {
		s, ok := c.Table(table)
		if !ok {
			return 0, fmt.Errorf("count: unknown table %q", table)
		}
		if i := s.Index(TimestampColumn); i < 0 || s[i].Type != kusto.DateTime {
			return 0, fmt.Errorf("count %s: no datetime column %s to bound", table, TimestampColumn)
		}
	}
	spec := ScanSpec{Table: table, Columns: []string{}, TimeMin: tmin, TimeMax: tmax}
	if bounded {
		spec.Columns = []string{TimestampColumn}
	}
	sc, err := c.Scan(ctx, spec)
	if err != nil {
		return 0, err
	}
	defer sc.Close()
	if !bounded {
		var n int64
		for _, m := range sc.Morsels() {
			n += m.NumRows()
		}
		return n, nil
	}
	lo, hi := int64(minNanos), int64(maxNanos)
	if !tmin.IsZero() {
		lo = clampNanos(tmin)
	}
	if !tmax.IsZero() {
		hi = clampNanos(tmax)
	}
	var n int64
	for _, m := range sc.Morsels() {
		fc := m.file.cols[TimestampColumn]
		rg := m.file.pf.RowGroups()[m.rg]
		cc := rg.ColumnChunks()[fc.leaf]
		if mn, mx, ok := boundsInt(fc, cc); ok && mn >= lo && mx < hi {
			if nulls, _ := nullCount(cc); nulls == 0 {
				n += m.NumRows()
				continue
			}
		}
		err := m.Read(ctx, func(rec arrow.RecordBatch) error {
			ts := rec.Column(0).(*array.Timestamp)
			vals := ts.Values()
			for i, v := range vals {
				if int64(v) >= lo && int64(v) < hi && ts.IsValid(i) {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
