// Package agg implements KQL aggregate functions (count, sum, dcount, make_set,
// arg_max, percentile, ...) as columnar per-group accumulators driven by the hash
// aggregation operator.
//
// New is the Factory for every built-in aggregate; Known and Names say which
// exist. Every Aggregator keeps its per-group state in flat slices indexed by
// group id and folds a batch in a tight loop over the argument's typed Arrow
// buffer: no per-row allocation or interface boxing.
//
// Semantics follow ADX (see kql.md):
//   - Nulls are skipped. A group that saw no value gives 0 for count, countif,
//     dcount, dcountif, count_distinct, sum, sumif, stdev and variance; [] for
//     make_set and make_list ({} for make_bag); NaN for avg; null for the others
//     ("" when the result is a string: Kusto strings are never null).
//   - Result types are the binder's (Spec.Out): sum of int is long, avg is real
//     (datetime and timespan averages keep their type, exact to the nanosecond),
//     min, max, arg_max and percentile keep the argument's type.
//   - dcount is a HyperLogLog with ADX's accuracy levels (0-4: 2^12 ... 2^18
//     registers, default 1). Small groups are counted exactly (up to 2^p/16
//     distinct values: 1024 at the default level) before they switch to
//     registers. Hashes are fixed, so results are the same on every run.
//     Dictionary-encoded strings are hashed once per dictionary entry.
//   - count_distinct, make_set and make_list are exact; make_set of dynamic
//     arrays unions their elements, make_list keeps arrival order, and both
//     stop growing at the optional max size (default 1,048,576).
//   - arg_max/arg_min ignore rows whose first argument is null (or NaN) and
//     return the first row reaching the extreme.
//   - take_any with one argument prefers a non-null, non-empty value.
//   - percentile and percentiles are exact nearest-rank (the smallest value with
//     at least P% of the values at or below it) for up to 4096 values per group,
//     then estimated by a merging t-digest in bounded memory.
//   - stdev and variance are sample statistics (n-1); stdevp and variancep are
//     population statistics.
//
// Merge is exact for every aggregate: counters and sums add, HyperLogLog
// registers take the maximum, sets take the union, extremes compare.
package agg
