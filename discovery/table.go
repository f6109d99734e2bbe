package discovery

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/ext"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// rowTable builds a small ext.Table row by row. Values per Kusto type:
// string/guid → string; dynamic → any JSON-marshalable value (or json.RawMessage);
// long → int64; int → int32; real → float64 or *float64 (nil is null);
// datetime → time.Time (zero is null); bool → bool; nil is null.
type rowTable struct {
	cols kusto.Schema
	rows [][]any
	msgs []string
}

func (t *rowTable) add(vals ...any) { t.rows = append(t.rows, vals) }

func (t *rowTable) build() (*ext.Table, error) {
	schema := karrow.Schema(t.cols)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range t.rows {
		if len(row) != len(t.cols) {
			return nil, fmt.Errorf("internal: row of %d values for %d columns", len(row), len(t.cols))
		}
		for i, v := range row {
			if err := appendValue(b.Field(i), t.cols[i].Type, v); err != nil {
				return nil, fmt.Errorf("column %s: %w", t.cols[i].Name, err)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return &ext.Table{Columns: t.cols, Reader: rdr, Messages: t.msgs}, nil
}

func appendValue(fb array.Builder, typ kusto.Type, v any) error {
	if v == nil {
		if typ == kusto.String || typ == kusto.Guid {
			fb.(*array.StringBuilder).Append("")
			return nil
		}
		fb.AppendNull()
		return nil
	}
	switch typ {
	case kusto.String, kusto.Guid:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want string, have %T", v)
		}
		fb.(*array.StringBuilder).Append(s)
	case kusto.Dynamic:
		var s []byte
		switch x := v.(type) {
		case json.RawMessage:
			s = x
		default:
			var err error
			if s, err = json.Marshal(x); err != nil {
				return err
			}
		}
		fb.(*array.StringBuilder).Append(string(s))
	case kusto.Long:
		switch x := v.(type) {
		case int64:
			fb.(*array.Int64Builder).Append(x)
		case int:
			fb.(*array.Int64Builder).Append(int64(x))
		default:
			return fmt.Errorf("want int64, have %T", v)
		}
	case kusto.Int:
		x, ok := v.(int32)
		if !ok {
			return fmt.Errorf("want int32, have %T", v)
		}
		fb.(*array.Int32Builder).Append(x)
	case kusto.Real:
		switch x := v.(type) {
		case float64:
			fb.(*array.Float64Builder).Append(x)
		case *float64:
			if x == nil {
				fb.AppendNull()
			} else {
				fb.(*array.Float64Builder).Append(*x)
			}
		default:
			return fmt.Errorf("want float64, have %T", v)
		}
	case kusto.DateTime:
		x, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want time.Time, have %T", v)
		}
		if x.IsZero() {
			fb.AppendNull()
		} else {
			fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x.UnixNano()))
		}
	case kusto.Bool:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want bool, have %T", v)
		}
		fb.(*array.BooleanBuilder).Append(x)
	default:
		return fmt.Errorf("unsupported column type %s", typ)
	}
	return nil
}
