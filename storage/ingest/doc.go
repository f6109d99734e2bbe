// Package ingest converts external input (Defender streaming export, NDJSON,
// CSV, Squid, W3C extended, CEF and LEEF proxy and firewall logs) into Arrow batches of a table
// schema, rejecting rows that cannot be converted, and batches them for commit.
package ingest
