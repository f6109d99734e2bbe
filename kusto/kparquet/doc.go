// Package kparquet maps Kusto columns onto Parquet as written by parquet-go:
// the Parquet node of each Kusto type, a group node that keeps the columns in
// the order given, and the conversion of Arrow arrays (as karrow lays them
// out) into leveled Parquet values.
package kparquet
