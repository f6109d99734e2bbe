package agg

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// Aggregator accumulates one aggregate function (sum(X), dcount(Y), arg_max(T,*),
// ...) for many groups at once. The hash aggregation operator assigns each input
// row a dense group id and calls Update a batch at a time; each worker has its own
// Aggregator, and at the end the workers' aggregators are merged into one.
//
// An Aggregator is not safe for concurrent use.
type Aggregator interface {
	// Update folds one batch into the group states. groups[i] is the group of row
	// i; every Arg has len(groups) rows (or is Const). Group ids may exceed the
	// groups seen so far: the aggregator grows its state as needed. Argument
	// arrays may be dictionary-encoded strings (aggregates such as dcount and
	// make_set can then work per dictionary entry).
	Update(args []fn.Arg, groups []uint32) error
	// Merge folds the groups of other (an Aggregator made by the same Factory
	// call) into this one: other's group j is added to this group mapping[j].
	Merge(other Aggregator, mapping []uint32) error
	// Result returns, for groups 0..n-1, one array per output column of the
	// aggregate (one for most, several for arg_max(T, *) or percentiles(X, 50, 95)),
	// typed as the binder said (Spec.Out). Groups that never saw a row get the
	// empty-input value of kql.md (0 for count/sum/dcount, [] for make_set, null
	// for min/max, NaN for avg, ...).
	Result(mem memory.Allocator, n int) ([]arrow.Array, error)
}

// Spec describes one aggregate call as the binder resolved it.
type Spec struct {
	// Name is the canonical aggregate name ("count", "dcountif", "arg_max", ...).
	Name string
	// Args are the argument types. For arg_max/arg_min, Args[0] is the maximised
	// expression and the rest are the returned columns (with `*` expanded by the
	// binder into every input column).
	Args []kusto.Type
	// Consts holds constant arguments by position (percentile's 95, dcount's
	// accuracy level, make_set's max size); nil entries are per-row arguments.
	Consts []any
	// Out are the result column types, one per output column.
	Out []kusto.Type
}

// Factory makes an empty Aggregator for a spec. Each worker calls it once.
type Factory func(spec *Spec) (Aggregator, error)
