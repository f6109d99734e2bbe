package karrow

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

// MetadataKey is the Arrow field-metadata key that holds a column's Kusto type name.
const MetadataKey = "kusto.type"

// DecimalType is the Arrow type of Kusto decimal values.
var DecimalType = &arrow.Decimal128Type{Precision: 38, Scale: 18}

// TimestampType is the Arrow type of Kusto datetime values.
var TimestampType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

// DurationType is the Arrow type of Kusto timespan values.
var DurationType = &arrow.DurationType{Unit: arrow.Nanosecond}

// DataType returns the Arrow type that holds values of Kusto type t.
func DataType(t kusto.Type) arrow.DataType {
	switch t {
	case kusto.Bool:
		return arrow.FixedWidthTypes.Boolean
	case kusto.Int:
		return arrow.PrimitiveTypes.Int32
	case kusto.Long:
		return arrow.PrimitiveTypes.Int64
	case kusto.Real:
		return arrow.PrimitiveTypes.Float64
	case kusto.Decimal:
		return DecimalType
	case kusto.DateTime:
		return TimestampType
	case kusto.TimeSpan:
		return DurationType
	default: // string, guid, dynamic
		return arrow.BinaryTypes.String
	}
}

// Field returns the Arrow field for a Kusto column, with the Kusto type in its
// metadata. Every field is nullable (Kusto strings are never null, but the Arrow
// null bit is simply never set for them).
func Field(c kusto.Column) arrow.Field {
	return arrow.Field{
		Name:     c.Name,
		Type:     DataType(c.Type),
		Nullable: true,
		Metadata: arrow.NewMetadata([]string{MetadataKey}, []string{c.Type.String()}),
	}
}

// Schema returns the Arrow schema of a Kusto schema.
func Schema(s kusto.Schema) *arrow.Schema {
	fields := make([]arrow.Field, len(s))
	for i, c := range s {
		fields[i] = Field(c)
	}
	return arrow.NewSchema(fields, nil)
}

// Column returns the Kusto column of an Arrow field: the type in its metadata when
// present, otherwise the type implied by its Arrow type (see TypeOf).
func Column(f arrow.Field) kusto.Column {
	if v, ok := f.Metadata.GetValue(MetadataKey); ok {
		if t, ok := kusto.ParseType(v); ok {
			return kusto.Column{Name: f.Name, Type: t}
		}
	}
	return kusto.Column{Name: f.Name, Type: TypeOf(f.Type)}
}

// KustoSchema returns the Kusto schema of an Arrow schema.
func KustoSchema(s *arrow.Schema) kusto.Schema {
	out := make(kusto.Schema, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = Column(f)
	}
	return out
}

// TypeOf returns the Kusto type that best holds values of an Arrow type written by
// any tool: every timestamp unit is datetime, every integer up to 32 bits is int,
// wider integers are long, floats are real, dictionaries take their value type.
// Types with no Kusto counterpart (lists, structs, maps) are dynamic.
func TypeOf(dt arrow.DataType) kusto.Type {
	switch dt.ID() {
	case arrow.BOOL:
		return kusto.Bool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16:
		return kusto.Int
	case arrow.INT64, arrow.UINT32, arrow.UINT64:
		return kusto.Long
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return kusto.Real
	case arrow.DECIMAL128, arrow.DECIMAL256, arrow.DECIMAL32, arrow.DECIMAL64:
		return kusto.Decimal
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.BINARY, arrow.LARGE_BINARY:
		return kusto.String
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return kusto.DateTime
	case arrow.DURATION:
		return kusto.TimeSpan
	case arrow.DICTIONARY:
		return TypeOf(dt.(*arrow.DictionaryType).ValueType)
	default:
		return kusto.Dynamic
	}
}

// UnitNanos is the number of nanoseconds in one tick of an Arrow time unit
// (timestamps and durations from other writers may use s, ms or µs).
func UnitNanos(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Second:
		return 1e9
	case arrow.Millisecond:
		return 1e6
	case arrow.Microsecond:
		return 1e3
	}
	return 1
}
