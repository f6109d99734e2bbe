// Package foreign writes small Parquet files the way other tools (DuckDB,
// Spark, pyarrow) lay them out, for storage tests and the checked-in fixtures.
package foreign
