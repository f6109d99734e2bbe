// Package dyn parses, encodes and navigates Kusto dynamic values, which travel
// through the engine as JSON text; property bags keep their key order.
package dyn
