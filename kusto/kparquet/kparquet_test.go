package kparquet

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/prowl-hunt/prowl/kusto"
)

// A file written with NewGroup keeps the columns in the order given (parquet.Group
// would sort them by name) and every value FillValues converts reads back.
func TestGroupOrderAndValues(t *testing.T) {
	cols := kusto.Schema{
		{Name: "z", Type: kusto.String}, {Name: "a", Type: kusto.Long}, {Name: "m", Type: kusto.Real},
		{Name: "b", Type: kusto.Bool}, {Name: "i", Type: kusto.Int}, {Name: "t", Type: kusto.DateTime},
		{Name: "d", Type: kusto.TimeSpan}, {Name: "dec", Type: kusto.Decimal}, {Name: "missing", Type: kusto.Long},
	}
	mem := memory.DefaultAllocator
	build := func(dt arrow.DataType, add func(b array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		add(b)
		return b.NewArray()
	}
	arrs := []arrow.Array{
		build(arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).AppendValues([]string{"x", "", "y"}, nil) }),
		build(arrow.PrimitiveTypes.Int64, func(b array.Builder) {
			b.(*array.Int64Builder).AppendValues([]int64{1, 0, -3}, []bool{true, false, true})
		}),
		build(arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{1.5, 2, 0}, []bool{true, true, false})
		}),
		build(arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).AppendValues([]bool{true, false, true}, nil) }),
		build(arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.(*array.Int32Builder).AppendValues([]int32{7, 8, 9}, nil) }),
		build(&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1000, 2000, 3000}, nil)
		}),
		build(&arrow.DurationType{Unit: arrow.Nanosecond}, func(b array.Builder) { b.(*array.DurationBuilder).AppendValues([]arrow.Duration{5, 6, 7}, nil) }),
		build(&arrow.Decimal128Type{Precision: 38, Scale: 18}, func(b array.Builder) {
			b.(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(-2), decimal128.FromI64(1 << 40), {}}, []bool{true, true, false})
		}),
		nil,
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, parquet.NewSchema("t", NewGroup(cols)))
	cws := w.ColumnWriters()
	sel := []int32{2, 0, 1} // rows written in this order
	for i, c := range cols {
		vals := FillValues(make([]parquet.Value, len(sel)), c.Type, arrs[i], sel, 0, i)
		if _, err := cws[i].WriteRowValues(vals); err != nil {
			t.Fatalf("column %s: %v", c.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fld := range f.Schema().Fields() {
		names = append(names, fld.Name())
	}
	if diff := cmp.Diff([]string{"z", "a", "m", "b", "i", "t", "d", "dec", "missing"}, names); diff != "" {
		t.Errorf("column order (-want +got):\n%s", diff)
	}
	rows := make([]parquet.Row, 3)
	n, _ := f.RowGroups()[0].Rows().ReadRows(rows)
	if n != 3 {
		t.Fatalf("read %d rows", n)
	}
	dec := func(n decimal128.Num) string {
		b := make([]byte, 16)
		for i := 0; i < 8; i++ {
			b[i] = byte(uint64(n.HighBits()) >> (56 - 8*i))
			b[8+i] = byte(n.LowBits() >> (56 - 8*i))
		}
		return string(b)
	}
	want := [][]any{
		{"y", int64(-3), nil, true, int32(9), int64(3000e6), int64(7), nil, nil},
		{"x", int64(1), 1.5, true, int32(7), int64(1000e6), int64(5), dec(decimal128.FromI64(-2)), nil},
		{"", nil, 2.0, false, int32(8), int64(2000e6), int64(6), dec(decimal128.FromI64(1 << 40)), nil},
	}
	for r, row := range rows[:n] {
		got := make([]any, len(cols))
		for _, v := range row {
			switch {
			case v.IsNull():
			case v.Kind() == parquet.ByteArray || v.Kind() == parquet.FixedLenByteArray:
				got[v.Column()] = string(v.ByteArray())
			case v.Kind() == parquet.Int64:
				got[v.Column()] = v.Int64()
			case v.Kind() == parquet.Int32:
				got[v.Column()] = v.Int32()
			case v.Kind() == parquet.Double:
				got[v.Column()] = v.Double()
			case v.Kind() == parquet.Boolean:
				got[v.Column()] = v.Boolean()
			}
		}
		if diff := cmp.Diff(want[r], got); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", r, diff)
		}
	}
}
