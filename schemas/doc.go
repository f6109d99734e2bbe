// Package schemas holds the built-in table schemas: the Microsoft Defender
// advanced-hunting tables (column names and Kusto types as Defender documents
// them, plus prowl's BytesSent/BytesReceived extension of DeviceNetworkEvents).
// Ingest converts input to them and the binder uses them for tables with no data.
package schemas
