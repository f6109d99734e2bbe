// Command bench runs the benchmark queries of performance.md side by side in prowl
// and DuckDB over the same generated Parquet files, checks that both engines give
// the same answer, and writes a results table (median times, ratio prowl/DuckDB,
// prowl's peak heap).
//
// It lives in its own module because DuckDB needs cgo, which the main module
// never uses.
package main
