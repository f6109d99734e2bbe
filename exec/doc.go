// Package exec plans and runs bound KQL queries: it turns lang.Info into a tree
// of physical operators (package op) with scan pushdown and projection pruning,
// dispatches control commands, and holds the extension registry.
//
// # Using it
//
//	e := exec.New(exec.Config{Source: src, Functions: reg, Kernel: reg.Kernel, Aggregates: agg.New})
//	res, err := e.Query(ctx, "T | where x > 1 | summarize count() by y", params) // or a .command
//	for res.Reader.Next() { rec := res.Reader.RecordBatch(); ... }
//	res.Stats()  // scan statistics, peak memory, elapsed
//	plan, err := e.Explain(ctx, text, params)
//
// Engine implements ext.Registry (functions, stored functions, virtual tables,
// commands), lang.Functions (built-ins plus extensions) and lang.Tables
// (storage plus virtual tables). Source is the storage interface; package
// prowl adapts storage.Catalog to it.
//
// # Planning
//
//   - Projection pruning: a backward pass over the pipe (columns.go) finds the
//     table columns the query reads; only those are scanned (unread columns are
//     nil in batches).
//   - Pushdown: the leading where operators of a table pipe give the scan a
//     Timestamp range (day folders, row groups) and ==/in/</>/between filters
//     (row-group statistics, bloom filters). Predicates are still evaluated.
//   - `T [| where <time range>] | count` and `| summarize count()` are answered
//     from Parquet metadata.
//   - Constants are folded once per query (ago(7d), now(), let scalars); in-lists
//     become hash sets; `sort | take N` and `top` are bounded heaps.
//   - A let used once is inlined (its pipe spliced, so pushdown sees through
//     it); a let used several times is evaluated once and replayed.
//   - Streaming steps (where, extend, project, parse, join probes for inner,
//     innerunique, leftouter, semi and anti joins) run inside the scan's worker
//     goroutines; summarize keeps one partial aggregation per worker and merges
//     them. take stops the scan early.
//   - Expressions over aggregates in summarize (round(sum(x) / 1e9, 1),
//     countif(p) * 100.0 / count()) aggregate each distinct call once into a
//     hidden column; a projection then evaluates the expressions (summarize.go).
//   - range generates its values lazily, a batch at a time (op.Range).
//
// Pipeline breakers (summarize, sort, join build, materialized lets) account
// their memory against Config.MemoryBudget and fail with op.ErrMemory past it.
// Cancellation is checked between batches, and inside the long loops of one
// batch (sort runs and merges, join build and probe).
//
// Planning errors with a position come back as lang.ErrorList, like parse and
// bind errors. Unsupported constructs are errors, never silent wrong answers.
package exec
