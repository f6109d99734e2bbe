// Package output renders query results (Arrow record batches with Kusto types)
// as an aligned table, CSV, JSON, NDJSON, Parquet or an Arrow IPC stream.
package output
