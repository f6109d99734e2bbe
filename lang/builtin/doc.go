// Package builtin holds the signatures (names, aliases, arity, result types,
// default-name prefixes) of every built-in KQL scalar function and aggregate, as
// one table the binder consults through lang.Functions.
package builtin
