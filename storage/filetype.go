package storage

import (
	"fmt"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/prowl-hunt/prowl/kusto"
)

// schemaMetadataKey is the Parquet key-value metadata entry in which prowl's
// writer records the Kusto schema ("Name:type,..."), so that guid, dynamic and
// timespan columns (stored as strings and int64) keep their Kusto types and the
// column order survives parquet-go's name-sorted groups.
const schemaMetadataKey = "kusto.schema"

// srcKind says how the values of a Parquet column are decoded.
type srcKind uint8

const (
	srcBool srcKind = iota + 1
	srcInt32
	srcUint32
	srcInt64
	srcTimestamp // int64 with a unit multiplier to nanoseconds
	srcDate      // int32 days since the epoch
	srcInt96     // legacy Impala/Spark timestamps
	srcFloat
	srcDouble
	srcBytes
	srcUUID // fixed_len_byte_array(16)
)

// fileColumn is one top-level, flat column of a Parquet file.
type fileColumn struct {
	name     string
	typ      kusto.Type // the Kusto type the file's values naturally have
	leaf     int        // leaf column index in the file
	src      srcKind
	unit     int64 // nanoseconds per stored unit (timestamps, timespans)
	optional bool
}

func readFileColumns(path string) ([]fileColumn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return fileColumns(pf), nil
}

// fileColumns lists the columns of f that prowl can read. Nested and repeated
// columns, decimals and other types with no Kusto counterpart are left out.
func fileColumns(f *parquet.File) []fileColumn {
	declared := map[string]kusto.Type{}
	if v, ok := f.Lookup(schemaMetadataKey); ok {
		for _, part := range strings.Split(v, ",") {
			name, typ, ok := strings.Cut(part, ":")
			if !ok {
				continue
			}
			if t, ok := kusto.ParseType(typ); ok {
				declared[name] = t
			}
		}
	}
	var out []fileColumn
	for _, col := range f.Root().Columns() {
		if !col.Leaf() || col.Repeated() || col.MaxRepetitionLevel() > 0 {
			continue
		}
		fc, ok := classify(col)
		if !ok {
			continue
		}
		if t, ok := declared[fc.name]; ok {
			switch {
			case fc.src == srcBytes && (t == kusto.Guid || t == kusto.Dynamic || t == kusto.String):
				fc.typ = t
			case fc.src == srcInt64 && t == kusto.TimeSpan:
				fc.typ, fc.unit = kusto.TimeSpan, 1
			}
		}
		out = append(out, fc)
	}
	if len(declared) > 0 {
		// Restore the writer's column order.
		order := map[string]int{}
		for i, part := range strings.Split(mustLookup(f, schemaMetadataKey), ",") {
			name, _, _ := strings.Cut(part, ":")
			order[name] = i
		}
		sortStable(out, func(a, b fileColumn) bool {
			oa, okA := order[a.name]
			ob, okB := order[b.name]
			switch {
			case okA && okB:
				return oa < ob
			case okA:
				return true
			}
			return false
		})
	}
	return out
}

func mustLookup(f *parquet.File, key string) string {
	v, _ := f.Lookup(key)
	return v
}

func sortStable(s []fileColumn, less func(a, b fileColumn) bool) {
	// insertion sort: schemas are small
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func classify(col *parquet.Column) (fileColumn, bool) {
	fc := fileColumn{name: col.Name(), leaf: col.Index(), optional: col.Optional()}
	t := col.Type()
	lt := t.LogicalType()
	var ct deprecated.ConvertedType = -1
	if p := t.ConvertedType(); p != nil {
		ct = *p
	}
	if lt != nil {
		if _, ok := lt.Value.(*format.DecimalType); ok {
			return fc, false
		}
	}
	if ct == deprecated.Decimal {
		return fc, false
	}
	switch t.Kind() {
	case parquet.Boolean:
		fc.src, fc.typ = srcBool, kusto.Bool
	case parquet.Int32:
		fc.src, fc.typ = srcInt32, kusto.Int
		if lt != nil {
			switch v := lt.Value.(type) {
			case *format.DateType:
				fc.src, fc.typ, fc.unit = srcDate, kusto.DateTime, 86400e9
			case *format.IntType:
				if !v.IsSigned && v.BitWidth == 32 {
					fc.src, fc.typ = srcUint32, kusto.Long
				}
			case *format.TimeType:
				fc.typ, fc.unit = kusto.TimeSpan, unitOf(&v.Unit)
			}
		} else if ct == deprecated.Date {
			fc.src, fc.typ, fc.unit = srcDate, kusto.DateTime, 86400e9
		} else if ct == deprecated.Uint32 {
			fc.src, fc.typ = srcUint32, kusto.Long
		}
	case parquet.Int64:
		fc.src, fc.typ = srcInt64, kusto.Long
		if lt != nil {
			switch v := lt.Value.(type) {
			case *format.TimestampType:
				fc.src, fc.typ, fc.unit = srcTimestamp, kusto.DateTime, unitOf(&v.Unit)
			case *format.TimeType:
				fc.src, fc.typ, fc.unit = srcTimestamp, kusto.TimeSpan, unitOf(&v.Unit)
			}
		} else {
			switch ct {
			case deprecated.TimestampMillis:
				fc.src, fc.typ, fc.unit = srcTimestamp, kusto.DateTime, 1e6
			case deprecated.TimestampMicros:
				fc.src, fc.typ, fc.unit = srcTimestamp, kusto.DateTime, 1e3
			}
		}
	case parquet.Int96:
		fc.src, fc.typ = srcInt96, kusto.DateTime
	case parquet.Float:
		fc.src, fc.typ = srcFloat, kusto.Real
	case parquet.Double:
		fc.src, fc.typ = srcDouble, kusto.Real
	case parquet.ByteArray:
		fc.src, fc.typ = srcBytes, kusto.String
		if lt != nil {
			if _, ok := lt.Value.(*format.JsonType); ok {
				fc.typ = kusto.Dynamic
			}
		} else if ct == deprecated.Json {
			fc.typ = kusto.Dynamic
		}
	case parquet.FixedLenByteArray:
		if lt != nil {
			if _, ok := lt.Value.(*format.UUIDType); ok && t.Length() == 16 {
				fc.src, fc.typ = srcUUID, kusto.Guid
				return fc, true
			}
		}
		return fc, false
	default:
		return fc, false
	}
	return fc, true
}

func unitOf(u *format.TimeUnit) int64 {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return 1e6
	case *format.MicroSeconds:
		return 1e3
	}
	return 1
}
