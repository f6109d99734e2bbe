package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/server"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/ingest"
)

func serveCommand() *command {
	return &command{
		name:    "serve",
		usage:   "serve [--addr 127.0.0.1:8080] [--token T] [--data DIR]",
		summary: "serve the Kusto REST endpoint (the official Kusto SDKs connect to it unchanged)",
		help: `
Point a Kusto connection string at http://ADDR and run KQL. Routes:
/v1/rest/auth/metadata, /v1/rest/query, /v2/rest/query, /v1/rest/mgmt and
/v1/rest/ingest/{db}/{table}.

Without a token the endpoint only listens on loopback. Any other address needs
--token (or $PROWL_TOKEN); clients send it as "Authorization: Bearer T".
Commands that change state (tagging, ingest) always need the token when one is
set. Stop with Ctrl+C: running queries get a grace period to finish.`,
		flags: func(fs *flag.FlagSet) { declareServeFlags(fs) },
		run:   runServe,
	}
}

type serveFlags struct {
	data, addr, token *string
	timeout           *time.Duration
	maxRows           *int64
	maxConcurrent     *int
	anonymousQueries  *bool
}

func declareServeFlags(fs *flag.FlagSet) *serveFlags {
	return &serveFlags{
		data:             dataDirFlag(fs),
		addr:             fs.String("addr", server.DefaultAddr, "listen `address`"),
		token:            fs.String("token", "", "bearer `token` clients must send (default $PROWL_TOKEN)"),
		timeout:          fs.Duration("timeout", server.DefaultQueryTimeout, "default query timeout"),
		maxRows:          fs.Int64("max-rows", server.DefaultMaxRows, "rows a result may hold before it is truncated"),
		maxConcurrent:    fs.Int("max-concurrent", 0, "queries running at once (default 4 × cores); others get HTTP 429"),
		anonymousQueries: fs.Bool("anonymous-queries", false, "with --token on loopback: let read-only queries through without it"),
	}
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := declareServeFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	token := *f.token
	if token == "" {
		token = e.getenv("PROWL_TOKEN")
	}
	dir, err := resolveDataDir(e, *f.data)
	if err != nil {
		return err
	}
	// The endpoint's own host joins the never-block list, so no indicator can
	// cut clients off from prowl itself.
	host, _, err := net.SplitHostPort(*f.addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}
	db, err := prowl.Open(dir, &prowl.Options{OwnHosts: []string{host}, User: e.getenv("USER")})
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := server.New(serveEngine{db}, server.Config{
		Addr:             *f.addr,
		Token:            token,
		QueryTimeout:     *f.timeout,
		MaxRows:          *f.maxRows,
		MaxConcurrent:    *f.maxConcurrent,
		AnonymousQueries: *f.anonymousQueries,
	})
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(e.stderr, "prowl: serving %s on http://%s (Ctrl+C to stop)\n", dir, *f.addr)
	return srv.ListenAndServe(ctx)
}

// serveEngine is the DB as the server sees it: queries and commands, plus the
// streaming-ingest route with the durability of `prowl ingest` (the answer is
// sent only once the accepted rows are committed).
type serveEngine struct{ *prowl.DB }

// Ingest imports body into table; format is "ndjson" (Kusto's Json), "json"
// (MultiJson: sniffed) or "csv".
func (s serveEngine) Ingest(ctx context.Context, table, format string, body io.Reader) (server.IngestResult, error) {
	f := ingest.FormatAuto
	if format != "json" {
		var err error
		if f, err = ingest.ParseFormat(format); err != nil {
			return server.IngestResult{}, err
		}
	}
	cat := s.Catalog()
	sink := ingest.NewCatalogSink(cat, storage.WriterOptions{}, true)
	sum, err := ingest.Import(ctx, body, "http", sink.Commit, ingest.Options{
		Table: table, Format: f, Schema: cat.Table, Policy: ingest.StreamPolicy,
	})
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return server.IngestResult{Accepted: sum.Accepted, Rejected: sum.Rejected}, err
	}
	if err := s.Refresh(); err != nil {
		return server.IngestResult{}, err
	}
	return server.IngestResult{Accepted: sum.Accepted, Rejected: sum.Rejected}, nil
}
