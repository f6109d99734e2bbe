package agg

import (
	"fmt"
	"slices"
	"strings"
)

// names are the canonical aggregate names New accepts.
var names = []string{
	"arg_max", "arg_min", "avg", "avgif", "count", "count_distinct", "count_distinctif",
	"countif", "dcount", "dcountif", "make_bag", "make_bag_if", "make_list", "make_list_if",
	"make_list_with_nulls", "make_set", "make_set_if", "max", "maxif", "min", "minif",
	"percentile", "percentiles", "stdev", "stdevif", "stdevp", "sum", "sumif", "take_any",
	"take_anyif", "variance", "varianceif", "variancep",
}

// canonical maps legacy spellings to canonical names (the binder normally does
// this already).
func canonical(name string) string {
	switch name {
	case "makeset":
		return "make_set"
	case "makelist":
		return "make_list"
	case "makeset_if":
		return "make_set_if"
	case "makelist_if":
		return "make_list_if"
	case "any":
		return "take_any"
	case "anyif":
		return "take_anyif"
	case "argmax":
		return "arg_max"
	case "argmin":
		return "arg_min"
	}
	return name
}

// momentOf maps avg, variance, stdev, variancep and stdevp (and if forms) to
// what varAgg returns.
func momentOf(name string) moment {
	switch strings.TrimSuffix(name, "if") {
	case "variance":
		return momVariance
	case "stdev":
		return momStdev
	case "variancep":
		return momVarianceP
	case "stdevp":
		return momStdevP
	}
	return momAvg
}

// ifPos is the predicate position of an aggregate's if form: always the
// second argument.
func ifPos(name string) cond {
	if strings.HasSuffix(name, "if") {
		return 1
	}
	return -1
}

// Known reports whether name (canonical or legacy) is an aggregate New supports.
func Known(name string) bool {
	_, ok := slices.BinarySearch(names, canonical(name))
	return ok
}

// Names returns the canonical names of the supported aggregates, sorted.
func Names() []string { return slices.Clone(names) }

// New is the Factory for every built-in aggregate. It checks the spec (argument
// types, constant arguments such as dcount's accuracy or make_set's size, result
// columns) and returns an empty Aggregator.
func New(spec *Spec) (Aggregator, error) {
	if spec == nil {
		return nil, fmt.Errorf("aggregate: nil spec")
	}
	name := canonical(spec.Name)
	if len(spec.Out) == 0 {
		return nil, fmt.Errorf("%s: no result type", spec.Name)
	}
	switch name {
	case "count":
		val := -1
		if len(spec.Args) > 0 {
			val = 0
		}
		return &countAgg{name: spec.Name, val: val, if_: -1}, nil
	case "countif":
		if len(spec.Args) != 1 {
			return nil, fmt.Errorf("%s: want 1 argument, got %d", spec.Name, len(spec.Args))
		}
		return &countAgg{name: spec.Name, val: -1, if_: 0}, nil
	case "sum", "sumif":
		c := ifPos(name)
		return numericOverDynamic(spec, func(s *Spec) (Aggregator, error) { return newSum(s, c) })
	case "avg", "avgif", "variance", "varianceif", "stdev", "stdevif", "variancep", "stdevp":
		c := ifPos(name)
		mom := momentOf(name)
		return numericOverDynamic(spec, func(s *Spec) (Aggregator, error) { return newVar(s, mom, c) })
	case "min":
		return newBest(spec, false, false, -1)
	case "max":
		return newBest(spec, true, false, -1)
	case "minif":
		return newBest(spec, false, false, 1)
	case "maxif":
		return newBest(spec, true, false, 1)
	case "arg_min":
		return newBest(spec, false, true, -1)
	case "arg_max":
		return newBest(spec, true, true, -1)
	case "take_any":
		return newTake(spec, -1)
	case "take_anyif":
		return newTake(spec, 1)
	case "dcount":
		return newDcount(spec, -1)
	case "dcountif":
		return newDcount(spec, 1)
	case "count_distinct":
		return newSet(spec, modeDistinct, -1)
	case "count_distinctif":
		return newSet(spec, modeDistinct, 1)
	case "make_set":
		return newSet(spec, modeSet, -1)
	case "make_set_if":
		return newSet(spec, modeSet, 1)
	case "make_list":
		return newSet(spec, modeList, -1)
	case "make_list_if":
		return newSet(spec, modeList, 1)
	case "make_list_with_nulls":
		return newSet(spec, modeListNulls, -1)
	case "make_bag":
		return newSet(spec, modeBag, -1)
	case "make_bag_if":
		return newSet(spec, modeBag, 1)
	case "percentile", "percentiles":
		return numericOverDynamic(spec, newPercentile)
	}
	return nil, fmt.Errorf("unsupported aggregate function '%s'", spec.Name)
}

// Sizer is implemented by every Aggregator New returns: Bytes estimates the
// memory its group states hold, so the aggregation operator can charge it to
// the query's memory budget (make_set, make_list, percentile and dcount can
// hold much more than the group keys).
type Sizer interface {
	Bytes() int64
}

// compile-time checks.
var (
	_ Factory = New
	_ Sizer   = (*countAgg)(nil)
	_ Sizer   = (*sumAgg)(nil)
	_ Sizer   = (*varAgg)(nil)
	_ Sizer   = (*bestAgg)(nil)
	_ Sizer   = (*takeAgg)(nil)
	_ Sizer   = (*dcountAgg)(nil)
	_ Sizer   = (*setAgg)(nil)
	_ Sizer   = (*pctAgg[int64])(nil)
	_ Sizer   = (*dynNum)(nil)
)
