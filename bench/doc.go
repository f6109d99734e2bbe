// Command bench runs the benchmark queries of performance.md side by side in prowl
// and DuckDB over the same generated Parquet files, checks that both engines give
// the same answer, and writes a results table (median times, ratio prowl/DuckDB,
// prowl's peak heap).
//
// Queries come in pairs: name.kql for prowl and name.sql, its DuckDB twin (from
// the -sql folder, default the -queries folder). Answers are compared as
// multisets of rows (row count plus an order-independent checksum; a string NULL
// in DuckDB equals prowl's ""). Approximate counts are compared within 2%: the
// last column when a name.exact.sql gives the exact answer, or the columns a
// "-- approx: A, B" line of the SQL names. In SQL, {{DAY}} is a day in the
// middle of the data and {{NOW}} the instant prowl's ago() and now() use (one
// clock for both engines).
//
// DuckDB views list each table's columns in its schema order (without the hive
// column date), and the harness loads two lookup tables computed by prowl, so
// SQL twins of discovery queries can join them: app_map (cloud_app and its
// metadata per distinct RemoteUrl) and user_map (account_user per account); see
// mapping.go.
//
// Modes (see the Makefile): timed runs (queries/), -check for answers only,
// and crosscheck, which runs the golden queries of ../testdata/golden against
// crosscheck/*.sql on the benchmark data and on the golden dataset that
// ../golden_test.go regenerates.
//
// It lives in its own module because DuckDB needs cgo, which the main module
// never uses.
package main
