// Package kusto defines the Kusto scalar types, table schemas and the canonical
// text forms of Kusto values (datetime, timespan) shared by every layer of prowl.
//
// It is a leaf package: it depends on nothing of prowl and nothing of Arrow, so the
// language front end, the storage layer and the engine can all speak of the same
// types without depending on each other.
package kusto
