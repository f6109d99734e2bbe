package storage

import (
	"bytes"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/prowl-hunt/prowl/kusto"
)

type pruneResult uint8

const (
	keep pruneResult = iota
	pruneStats
	pruneBloom
)

// pruner decides which day folders and row groups can hold matching rows.
type pruner struct {
	schema         kusto.Schema
	hasTime        bool
	tmin, tmax     int64 // ns, [tmin, tmax)
	timeBounded    bool
	filters        []Filter
	dayMin, dayMax time.Time
}

func newPruner(schema kusto.Schema, spec ScanSpec, hasTimestamp bool) *pruner {
	p := &pruner{schema: schema, filters: spec.Filters, hasTime: hasTimestamp}
	p.tmin, p.tmax = minNanos, maxNanos
	if hasTimestamp && !spec.TimeMin.IsZero() {
		p.tmin, p.timeBounded = clampNanos(spec.TimeMin), true
	}
	if hasTimestamp && !spec.TimeMax.IsZero() {
		p.tmax, p.timeBounded = clampNanos(spec.TimeMax), true
	}
	// Comparisons of Timestamp with constants narrow the range too, so that
	// day folders are pruned even when the caller only passed Filters.
	for _, f := range spec.Filters {
		if !hasTimestamp || f.Column != TimestampColumn || len(f.Values) == 0 {
			continue
		}
		lo, hi, ok := int64(minNanos), int64(maxNanos), true
		for _, v := range f.Values {
			c, isTime := constInt(kusto.DateTime, v)
			if !isTime {
				ok = false
				break
			}
			switch f.Op {
			case OpEq, OpIn:
				if lo == minNanos && hi == maxNanos {
					lo, hi = c, c
				}
				lo, hi = min(lo, c), max(hi, c)
			case OpGe:
				lo = c
			case OpGt:
				lo = c + 1
			case OpLe:
				hi = c
			case OpLt:
				hi = c - 1
			default:
				ok = false
			}
		}
		if !ok {
			continue
		}
		// [lo, hi] inclusive → [lo, hi+1)
		if lo > p.tmin {
			p.tmin, p.timeBounded = lo, true
		}
		if hi < maxNanos && hi+1 < p.tmax {
			p.tmax, p.timeBounded = hi+1, true
		}
	}
	return p
}

const (
	minNanos = -1 << 63
	maxNanos = 1<<63 - 1
)

func clampNanos(t time.Time) int64 {
	if t.Before(time.Unix(0, minNanos)) {
		return minNanos
	}
	if t.After(time.Unix(0, maxNanos)) {
		return maxNanos
	}
	return t.UnixNano()
}

// dayMayMatch reports whether the day folder [day, day+24h) overlaps the time range.
func (p *pruner) dayMayMatch(day time.Time) bool {
	if !p.timeBounded {
		return true
	}
	lo := clampNanos(day)
	hi := clampNanos(day.Add(24 * time.Hour))
	return lo < p.tmax && hi > p.tmin
}

// rowGroup decides whether a row group can be skipped.
func (p *pruner) rowGroup(f *scanFile, rg parquet.RowGroup) pruneResult {
	chunks := rg.ColumnChunks()
	if p.timeBounded {
		fc := f.cols[TimestampColumn]
		if fc == nil || fc.typ != kusto.DateTime {
			return pruneStats // all null: no row is in any time range
		}
		cc := chunks[fc.leaf]
		if lo, hi, ok := boundsInt(fc, cc); ok {
			if hi < p.tmin || lo >= p.tmax {
				return pruneStats
			}
		} else if allNull(cc, rg.NumRows()) {
			return pruneStats
		}
	}
	bloomCandidate := false
	for _, flt := range p.filters {
		i := p.schema.Index(flt.Column)
		if i < 0 || len(flt.Values) == 0 {
			continue
		}
		colType := p.schema[i].Type
		fc := f.cols[flt.Column]
		if fc == nil {
			if missingCannotMatch(colType, flt) {
				return pruneStats
			}
			continue
		}
		cc := chunks[fc.leaf]
		if statsExclude(fc, colType, cc, rg.NumRows(), flt) {
			return pruneStats
		}
		if flt.Op == OpEq || flt.Op == OpIn {
			bloomCandidate = true
		}
	}
	if !bloomCandidate {
		return keep
	}
	for _, flt := range p.filters {
		if flt.Op != OpEq && flt.Op != OpIn {
			continue
		}
		i := p.schema.Index(flt.Column)
		fc := f.cols[flt.Column]
		if i < 0 || fc == nil {
			continue
		}
		if bloomExcludes(fc, p.schema[i].Type, chunks[fc.leaf], flt) {
			return pruneBloom
		}
	}
	return keep
}

func isStringType(t kusto.Type) bool {
	return t == kusto.String || t == kusto.Guid || t == kusto.Dynamic
}

// missingCannotMatch: a column absent from a file reads as "" (strings) or null.
func missingCannotMatch(t kusto.Type, f Filter) bool {
	if isStringType(t) {
		if f.Op != OpEq && f.Op != OpIn {
			return false
		}
		for _, v := range f.Values {
			s, ok := v.(string)
			if !ok || s == "" {
				return false
			}
		}
		return true
	}
	return f.Op != OpNe // null compares false with everything but !=
}

func allNull(cc parquet.ColumnChunk, rows int64) bool {
	fcc, ok := cc.(*parquet.FileColumnChunk)
	return ok && rows > 0 && fcc.NullCount() == rows
}

func nullCount(cc parquet.ColumnChunk) (int64, bool) {
	fcc, ok := cc.(*parquet.FileColumnChunk)
	if !ok {
		return 0, false
	}
	// parquet-go cannot tell "no null count" from zero; prowl's writer and
	// common writers always fill it. Treat as known.
	return fcc.NullCount(), true
}

// boundsInt returns a chunk's min and max as int64 in the column's Kusto
// domain (nanoseconds for datetimes and timespans).
func boundsInt(fc *fileColumn, cc parquet.ColumnChunk) (lo, hi int64, ok bool) {
	mn, mx, ok := chunkBounds(cc)
	if !ok || mn.IsNull() || mx.IsNull() {
		return 0, 0, false
	}
	conv := func(v parquet.Value) (int64, bool) {
		unit := fc.unit
		if unit == 0 {
			unit = 1
		}
		switch fc.src {
		case srcInt32, srcDate:
			return int64(v.Int32()) * unit, true
		case srcUint32:
			return int64(v.Uint32()), true
		case srcInt64, srcTimestamp:
			return v.Int64() * unit, true
		case srcInt96:
			return int96ToNanos(v.Int96()), true
		}
		return 0, false
	}
	lo, ok1 := conv(mn)
	hi, ok2 := conv(mx)
	return lo, hi, ok1 && ok2 && lo <= hi
}

func boundsFloat(fc *fileColumn, cc parquet.ColumnChunk) (lo, hi float64, ok bool) {
	if fc.src == srcFloat || fc.src == srcDouble {
		mn, mx, ok := chunkBounds(cc)
		if !ok || mn.IsNull() || mx.IsNull() {
			return 0, 0, false
		}
		if fc.src == srcFloat {
			lo, hi = float64(mn.Float()), float64(mx.Float())
		} else {
			lo, hi = mn.Double(), mx.Double()
		}
		return lo, hi, lo == lo && hi == hi // NaN bounds are useless
	}
	l, h, ok := boundsInt(fc, cc)
	return float64(l), float64(h), ok
}

// constKind classifies a filter constant against a column type.
func constInt(t kusto.Type, v any) (int64, bool) {
	switch t {
	case kusto.Int, kusto.Long:
		switch x := v.(type) {
		case int64:
			return x, true
		case int:
			return int64(x), true
		case int32:
			return int64(x), true
		}
	case kusto.DateTime:
		if x, ok := v.(time.Time); ok {
			return clampNanos(x), true
		}
	case kusto.TimeSpan:
		if x, ok := v.(time.Duration); ok {
			return int64(x), true
		}
	}
	return 0, false
}

func constFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, x == x
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}

// cmp3 compares a constant against [lo, hi] and reports whether the filter
// can hold for some value in the range. c(x) returns -1/0/1 for const vs x.
func opMayMatch(op Op, belowMin, aboveMax, eqMin, eqMax, single bool) bool {
	switch op {
	case OpEq, OpIn:
		return !belowMin && !aboveMax
	case OpNe:
		return !(single && eqMin)
	case OpLt: // x < c: need min < c
		return aboveMax || (!belowMin && !eqMin)
	case OpLe: // x <= c
		return !belowMin
	case OpGt: // x > c: need max > c
		return belowMin || (!aboveMax && !eqMax)
	case OpGe:
		return !aboveMax
	}
	return true
}

// statsExclude reports whether min/max statistics prove no row matches.
func statsExclude(fc *fileColumn, t kusto.Type, cc parquet.ColumnChunk, rows int64, f Filter) bool {
	if f.Op != OpIn && len(f.Values) != 1 {
		return false
	}
	nulls, known := nullCount(cc)
	if !known {
		return false
	}
	if nulls == rows && rows > 0 {
		if isStringType(t) {
			return missingCannotMatch(t, f)
		}
		return f.Op != OpNe
	}
	if f.Op == OpNe && nulls > 0 {
		return false
	}
	// mayMatch reports whether constant value v may satisfy the filter for a row.
	var mayMatch func(v any) (bool, bool)
	switch {
	case isStringType(t) && fc.src == srcBytes:
		mn, mx, ok := chunkBounds(cc)
		if !ok || f.Op == OpLt || f.Op == OpLe || f.Op == OpGt || f.Op == OpGe {
			return false
		}
		lo, hi := mn.ByteArray(), mx.ByteArray()
		mayMatch = func(v any) (bool, bool) {
			s, ok := v.(string)
			if !ok || (s == "" && nulls > 0) {
				return true, false
			}
			b := []byte(s)
			cl, ch := bytes.Compare(b, lo), bytes.Compare(b, hi)
			return opMayMatch(f.Op, cl < 0, ch > 0, cl == 0, ch == 0, bytes.Equal(lo, hi)), true
		}
	case t == kusto.Real:
		lo, hi, ok := boundsFloat(fc, cc)
		if !ok {
			return false
		}
		mayMatch = func(v any) (bool, bool) {
			c, ok := constFloat(v)
			if !ok {
				return true, false
			}
			return opMayMatch(f.Op, c < lo, c > hi, c == lo, c == hi, lo == hi), true
		}
	case t == kusto.Int || t == kusto.Long || t == kusto.DateTime || t == kusto.TimeSpan:
		lo, hi, ok := boundsInt(fc, cc)
		if !ok {
			return false
		}
		mayMatch = func(v any) (bool, bool) {
			if c, ok := constInt(t, v); ok {
				return opMayMatch(f.Op, c < lo, c > hi, c == lo, c == hi, lo == hi), true
			}
			if t == kusto.Int || t == kusto.Long {
				if c, ok := v.(float64); ok && c == c {
					flo, fhi := float64(lo), float64(hi)
					return opMayMatch(f.Op, c < flo, c > fhi, c == flo, c == fhi, lo == hi), true
				}
			}
			return true, false
		}
	default:
		return false
	}
	for _, v := range f.Values {
		if m, _ := mayMatch(v); m {
			return false
		}
	}
	return true
}

// bloomExcludes reports whether the chunk's bloom filter proves that none of
// the equality values is present.
func bloomExcludes(fc *fileColumn, t kusto.Type, cc parquet.ColumnChunk, f Filter) bool {
	fcc, ok := cc.(*parquet.FileColumnChunk)
	if !ok {
		return false
	}
	var vals []parquet.Value
	for _, v := range f.Values {
		switch {
		case isStringType(t) && fc.src == srcBytes:
			s, ok := v.(string)
			if !ok || s == "" {
				return false // "" also matches nulls
			}
			vals = append(vals, parquet.ByteArrayValue([]byte(s)))
		case (t == kusto.Int || t == kusto.Long) && (fc.src == srcInt32 || fc.src == srcInt64):
			c, ok := constInt(t, v)
			if !ok {
				return false
			}
			if fc.src == srcInt32 {
				if c != int64(int32(c)) {
					continue // cannot be present
				}
				vals = append(vals, parquet.Int32Value(int32(c)))
			} else {
				vals = append(vals, parquet.Int64Value(c))
			}
		default:
			return false
		}
	}
	bf := fcc.BloomFilter()
	if bf == nil {
		return false
	}
	for _, v := range vals {
		present, err := bf.Check(v)
		if err != nil || present {
			return false
		}
	}
	return true
}

func chunkBounds(cc parquet.ColumnChunk) (min, max parquet.Value, ok bool) {
	fcc, isFile := cc.(*parquet.FileColumnChunk)
	if !isFile {
		return min, max, false
	}
	return fcc.Bounds()
}
