// Package server is prowl's Kusto-REST endpoint (`prowl serve`): /v1/rest/query,
// /v2/rest/query, /v1/rest/mgmt and streaming ingest, spoken so that the
// official Kusto SDKs work against it unchanged.
//
// Routes:
//
//	GET  /v1/rest/auth/metadata              404, empty body (no Azure AD here)
//	POST /v1/rest/query                      v1 response
//	POST /v2/rest/query                      v2 frames, fragmented when asked
//	POST /v1/rest/mgmt                       control commands, v1 response
//	POST /v1/rest/ingest/{db}/{table}        streaming ingest (engine must be an Ingester)
//
// Results stream: rows are written and flushed as the engine's batches arrive,
// one v2 frame per line. Errors found before the first row are HTTP 4xx/5xx
// with a OneApi error body (syntax and semantic errors are 400 and carry
// "line L, column C"); later ones land in the OneApiErrors of the
// TableCompletion and DataSetCompletion frames (v2) or an Exceptions entry
// (v1). Results over the row or byte cap are cut and the truncation reported
// the same way, as Kusto does.
//
// Security: without a token the server listens only on loopback; any other
// address needs Config.Token, sent as `Authorization: Bearer <token>` and
// compared in constant time. Commands that change state and ingest always
// need the token when one is set. Request bodies, query time, result size and
// concurrent requests are capped.
package server
