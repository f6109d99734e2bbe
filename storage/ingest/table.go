package ingest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// tableBuilder accumulates converted rows of one table in Arrow builders. A row
// is staged first and lands only when every field converted.
type tableBuilder struct {
	name   string
	schema kusto.Schema
	index  map[string]int // exact names
	folded map[string]int // lower-case names, for headers in another case
	b      *array.RecordBuilder
	rows   int
	bytes  int64
	stage  []value
	set    []bool
	tsCol  int
	fixed  int64 // bytes of the fixed-width part of a row
}

func newTableBuilder(name string, schema kusto.Schema) *tableBuilder {
	tb := &tableBuilder{
		name: name, schema: schema,
		index:  make(map[string]int, len(schema)),
		folded: make(map[string]int, len(schema)),
		b:      array.NewRecordBuilder(memory.DefaultAllocator, karrow.Schema(schema)),
		stage:  make([]value, len(schema)),
		set:    make([]bool, len(schema)),
		tsCol:  schema.Index("Timestamp"),
	}
	for i, c := range schema {
		tb.index[c.Name] = i
		tb.folded[strings.ToLower(c.Name)] = i
		switch c.Type {
		case kusto.String, kusto.Guid, kusto.Dynamic:
			tb.fixed += 4
		default:
			tb.fixed += 8
		}
	}
	return tb
}

// column returns the index of a column by name (exact, then ignoring case).
func (tb *tableBuilder) column(name string) (int, bool) {
	if i, ok := tb.index[name]; ok {
		return i, true
	}
	i, ok := tb.folded[strings.ToLower(name)]
	return i, ok
}

// columnBytes is column for a name held in bytes (no allocation on a hit).
func (tb *tableBuilder) columnBytes(name []byte) (int, bool) {
	if i, ok := tb.index[string(name)]; ok {
		return i, true
	}
	return tb.column(string(name))
}

// reset starts a new staged row.
func (tb *tableBuilder) reset() {
	for i := range tb.set {
		tb.set[i] = false
	}
}

func (tb *tableBuilder) setJSON(col int, raw json.RawMessage) error {
	v, err := fromJSON(tb.schema[col].Type, raw)
	if err != nil {
		return fmt.Errorf("column %s: %w", tb.schema[col].Name, err)
	}
	tb.stage[col], tb.set[col] = v, true
	return nil
}

func (tb *tableBuilder) setText(col int, s string) error {
	v, err := fromText(tb.schema[col].Type, s)
	if err != nil {
		return fmt.Errorf("column %s: %w", tb.schema[col].Name, err)
	}
	tb.stage[col], tb.set[col] = v, true
	return nil
}

// commit appends the staged row, or says why it cannot land.
func (tb *tableBuilder) commit() error {
	if tb.tsCol >= 0 && (!tb.set[tb.tsCol] || tb.stage[tb.tsCol].null) {
		return fmt.Errorf("missing Timestamp")
	}
	size := tb.fixed
	for i, c := range tb.schema {
		fb := tb.b.Field(i)
		if !tb.set[i] {
			switch c.Type {
			case kusto.String, kusto.Guid, kusto.Dynamic:
				fb.(*array.StringBuilder).Append("")
			default:
				fb.AppendNull()
			}
			continue
		}
		v := tb.stage[i]
		if v.null {
			fb.AppendNull()
			continue
		}
		switch c.Type {
		case kusto.Bool:
			fb.(*array.BooleanBuilder).Append(v.b)
		case kusto.Int:
			fb.(*array.Int32Builder).Append(int32(v.i))
		case kusto.Long:
			fb.(*array.Int64Builder).Append(v.i)
		case kusto.Real:
			fb.(*array.Float64Builder).Append(v.f)
		case kusto.DateTime:
			fb.(*array.TimestampBuilder).Append(arrow.Timestamp(v.i))
		case kusto.TimeSpan:
			fb.(*array.DurationBuilder).Append(arrow.Duration(v.i))
		case kusto.Decimal:
			// Decimal columns are rare; go through the float form.
			fb.(*array.Decimal128Builder).Append(decimalFromFloat(v.f))
		default:
			fb.(*array.StringBuilder).Append(v.s)
			size += int64(len(v.s))
		}
	}
	tb.rows++
	tb.bytes += size
	return nil
}

// flush returns the rows so far as a batch (nil when there are none) and
// starts over.
func (tb *tableBuilder) flush() arrow.RecordBatch {
	if tb.rows == 0 {
		return nil
	}
	tb.rows, tb.bytes = 0, 0
	return tb.b.NewRecordBatch()
}

func (tb *tableBuilder) release() { tb.b.Release() }
