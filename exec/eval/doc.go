// Package eval evaluates bound KQL scalar expressions a batch at a time over
// Arrow arrays: it compiles an expression tree once and runs it per batch.
package eval
