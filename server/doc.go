// Package server is prowl's Kusto-REST endpoint (`prowl serve`): /v1/rest/query,
// /v2/rest/query, /v1/rest/mgmt and streaming ingest, spoken so that the
// official Kusto SDKs work against it unchanged.
package server
