// Package karrow maps Kusto types to Arrow types and back, so that every Arrow
// schema prowl produces says which Kusto type each column has.
//
// The mapping is the table of architecture.md: bool→Boolean, int→Int32, long→Int64,
// real→Float64, decimal→Decimal128(38,18), string→String (or Dictionary(Int32,String)),
// datetime→Timestamp(ns, UTC), timespan→Duration(ns), guid→String, dynamic→String of
// JSON text. Guid and dynamic share Arrow's String, so the Kusto type travels in the
// field metadata under MetadataKey.
package karrow
