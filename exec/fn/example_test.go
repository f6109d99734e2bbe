package fn_test

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

func ExampleRegistry_Call() {
	mem := memory.DefaultAllocator
	r := fn.NewRegistry()

	tb := array.NewTimestampBuilder(mem, karrow.TimestampType)
	tb.Append(arrow.Timestamp(time.Date(2020, 9, 2, 10, 37, 12, 0, time.UTC).UnixNano()))
	tb.AppendNull()
	ts := tb.NewArray()
	tb.Release()
	defer ts.Release()
	db := array.NewDurationBuilder(mem, karrow.DurationType)
	db.Append(arrow.Duration(time.Hour))
	hour := db.NewArray()
	db.Release()
	defer hour.Release()

	ctx := &fn.Context{Mem: mem, Now: time.Now()}
	binned, err := r.Call(ctx, "bin", []fn.Arg{
		{Type: kusto.DateTime, Array: ts},
		{Type: kusto.TimeSpan, Array: hour, Const: true},
	}, 2, kusto.DateTime)
	if err != nil {
		panic(err)
	}
	defer binned.Release()
	text, err := r.Call(ctx, "tostring", []fn.Arg{{Type: kusto.DateTime, Array: binned}}, 2, kusto.String)
	if err != nil {
		panic(err)
	}
	defer text.Release()
	fmt.Printf("%q\n", text.(*array.String).Value(0))
	fmt.Printf("%q\n", text.(*array.String).Value(1))
	// Output:
	// "2020-09-02T10:00:00.0000000Z"
	// ""
}
