// Package op holds the physical operators of the engine: pull-based operators
// over eval.Batch (scan sources, filters, projections, hash aggregation, sort,
// top-N, joins, unions, mv-expand, parse) that run bound KQL plans.
package op
