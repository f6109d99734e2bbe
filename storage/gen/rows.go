package gen

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/schemas"
)

// rowBuilder builds the small tables row by row by column name; columns a row
// leaves unset get "" (strings) or null.
type rowBuilder struct {
	table  string
	schema kusto.Schema
	b      *array.RecordBuilder
	idx    map[string]int
	set    []bool
	rows   int
}

func newRowBuilder(table string) (*rowBuilder, error) {
	s, ok := schemas.Table(table)
	if !ok {
		return nil, fmt.Errorf("no built-in schema for %s", table)
	}
	rb := &rowBuilder{table: table, schema: s, b: array.NewRecordBuilder(memory.DefaultAllocator, karrow.Schema(s)),
		idx: make(map[string]int, len(s)), set: make([]bool, len(s))}
	for i, c := range s {
		rb.idx[c.Name] = i
	}
	return rb, nil
}

func (rb *rowBuilder) col(name string, t kusto.Type) int {
	i, ok := rb.idx[name]
	if !ok || rb.schema[i].Type != t && !(t == kusto.String && (rb.schema[i].Type == kusto.Dynamic || rb.schema[i].Type == kusto.Guid)) {
		// A programming error in the generator, caught by the tests.
		panic(fmt.Sprintf("gen: %s has no %s column %s", rb.table, t, name))
	}
	rb.set[i] = true
	return i
}

func (rb *rowBuilder) str(name, v string) {
	rb.b.Field(rb.col(name, kusto.String)).(*array.StringBuilder).Append(v)
}

func (rb *rowBuilder) long(name string, v int64) {
	rb.b.Field(rb.col(name, kusto.Long)).(*array.Int64Builder).Append(v)
}

func (rb *rowBuilder) int(name string, v int32) {
	rb.b.Field(rb.col(name, kusto.Int)).(*array.Int32Builder).Append(v)
}

func (rb *rowBuilder) bool(name string, v bool) {
	rb.b.Field(rb.col(name, kusto.Bool)).(*array.BooleanBuilder).Append(v)
}

func (rb *rowBuilder) time(name string, ns int64) {
	rb.b.Field(rb.col(name, kusto.DateTime)).(*array.TimestampBuilder).Append(arrow.Timestamp(ns))
}

// end finishes the row.
func (rb *rowBuilder) end() {
	for i, ok := range rb.set {
		if !ok {
			if rb.schema[i].Type == kusto.String || rb.schema[i].Type == kusto.Guid {
				rb.b.Field(i).(*array.StringBuilder).Append("")
			} else {
				rb.b.Field(i).AppendNull()
			}
		}
		rb.set[i] = false
	}
	rb.rows++
}

// batch returns the rows so far as a record batch and starts a new one.
func (rb *rowBuilder) batch() arrow.RecordBatch {
	rb.rows = 0
	return rb.b.NewRecordBatch()
}
