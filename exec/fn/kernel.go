package fn

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
)

// Arg is one argument of a scalar function for one batch.
//
// Array holds the values in the Arrow representation of karrow (string, guid and
// dynamic as String; datetime as Timestamp(ns); timespan as Duration(ns)). It is
// never dictionary-encoded: the evaluator decodes dictionaries or, for functions of
// one varying argument, calls the kernel on the dictionary's values instead.
// When Const is set, Array has length 1 and the value applies to every row.
type Arg struct {
	Type  kusto.Type
	Array arrow.Array
	Const bool
}

// Context carries what a kernel may need besides its arguments. One Context
// serves a whole query: Now is fixed when the query starts (now() and ago() are
// evaluated once per query).
type Context struct {
	Mem memory.Allocator
	Now time.Time
}

// Allocator is the allocator kernels build results with: Mem, or Arrow's
// default when there is none (a nil Context included).
func (c *Context) Allocator() memory.Allocator {
	if c != nil && c.Mem != nil {
		return c.Mem
	}
	return memory.DefaultAllocator
}

// Kernel evaluates a scalar function over one batch of n rows and returns an
// array of length n of the result type out (karrow.DataType(out)). It must not
// retain the arguments. Bad values give nulls (Kusto semantics), never errors;
// an error is for conditions that invalidate the whole query (an invalid regular
// expression constant, for example).
type Kernel func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error)
