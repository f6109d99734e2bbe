// Package dictmemo remembers one value per Arrow dictionary for the few
// dictionaries in use at a time. Batches of one Parquet column chunk share
// the chunk's dictionary, so work done per dictionary entry (a kernel over
// the values, a predicate's answers) is done once per chunk, not per batch.
package dictmemo
