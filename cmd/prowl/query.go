package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/output"
)

// paramFlag collects repeated --param name=value flags.
type paramFlag prowl.Params

func (p paramFlag) String() string { return "" }

func (p paramFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	p[strings.TrimSpace(name)] = value
	return nil
}

type queryFlags struct {
	data    *string
	file    *string
	format  *string
	timeout *time.Duration
	explain *bool
	wide    *bool
	types   *bool
	params  paramFlag
}

func declareQueryFlags(fs *flag.FlagSet) *queryFlags {
	q := &queryFlags{params: paramFlag{}}
	q.data = dataDirFlag(fs)
	q.file = fs.String("f", "", "read the query from `FILE` (- for standard input)")
	q.format = fs.String("format", "", "output format: table, csv, json, ndjson, parquet, arrow (default table on a terminal, csv otherwise)")
	q.timeout = fs.Duration("timeout", 0, "cancel the query after this long (e.g. 30s, 5m); 0 means no limit")
	q.explain = fs.Bool("explain", false, "print the query plan (what each scan will prune) instead of running it")
	q.wide = fs.Bool("wide", false, "table format: show long cells whole")
	q.types = fs.Bool("types", false, "table format: show the Kusto type of each column")
	fs.Var(q.params, "param", "value of a declared query parameter, `name=value` (repeatable)")
	return q
}

func queryCommand() *command {
	return &command{
		name:    "query",
		flags:   func(fs *flag.FlagSet) { declareQueryFlags(fs) },
		usage:   "query [-f FILE | QUERY | -] [--format F] [--timeout D] [--param name=value] [--explain]",
		summary: "run one KQL query (or ;-separated statements ending in a tabular expression) and print the result",
		help: `
The query comes from -f FILE, from the argument, or from standard input ("-" or
no argument when input is piped). Control commands (.show tables, .unsanction app
"X", ...) are accepted too.

Examples:
  prowl query 'DeviceNetworkEvents | where RemoteUrl has "dropbox" | take 10'
  prowl query -f hunt.kql --format json
  echo 'print now()' | prowl query -`,
		run: runQuery,
	}
}

func runQuery(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	q := declareQueryFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	name, text, err := readQueryText(e, *q.file, pos)
	if err != nil {
		return err
	}
	format, err := pickFormat(e, *q.format)
	if err != nil {
		return usagef("%v", err)
	}
	dir, err := resolveDataDir(e, *q.data)
	if err != nil {
		return err
	}
	db, err := prowl.Open(dir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if *q.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *q.timeout)
		defer cancel()
	}
	if *q.explain {
		plan, err := db.Explain(ctx, text, prowl.Params(q.params))
		if err != nil {
			return reportQueryError(e, name, text, err)
		}
		fmt.Fprint(e.stdout, plan)
		return nil
	}
	start := time.Now()
	res, err := db.Query(ctx, text, prowl.Params(q.params))
	if err != nil {
		return reportQueryError(e, name, text, err)
	}
	defer res.Close()
	for _, m := range res.Messages {
		fmt.Fprintf(e.stderr, "prowl: %s\n", m)
	}
	_, err = output.Write(ctx, e.stdout, format, res.Columns, res.Reader, output.Options{Wide: *q.wide, Types: *q.types, Start: start})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("query timed out after %s", *q.timeout)
		}
		return reportQueryError(e, name, text, err)
	}
	return nil
}

// readQueryText finds the query: -f FILE, the single positional argument, or
// standard input ("-", or nothing when stdin is not a terminal). It returns the
// name diagnostics use for it.
func readQueryText(e *env, file string, pos []string) (name, text string, err error) {
	switch {
	case file != "" && len(pos) > 0:
		return "", "", usagef("give the query either with -f or as an argument, not both")
	case file == "-" || (file == "" && len(pos) == 1 && pos[0] == "-") || (file == "" && len(pos) == 0 && !e.stdinTTY):
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return "", "", fmt.Errorf("read standard input: %w", err)
		}
		return "-", string(b), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", err
		}
		return file, string(b), nil
	case len(pos) == 1:
		return "query", pos[0], nil
	case len(pos) > 1:
		return "", "", usagef("the query must be one argument (quote it); got %d", len(pos))
	}
	return "", "", usagef("no query: give it as an argument, with -f FILE, or on standard input")
}

func pickFormat(e *env, name string) (output.Format, error) {
	if name == "" {
		if e.stdoutTTY {
			return output.Table, nil
		}
		return output.CSV, nil
	}
	return output.ParseFormat(name)
}

// reportQueryError prints a query's diagnostics with positions and carets
// (`name:line:col: message`) and returns an error that sets exit status 1.
func reportQueryError(e *env, name, text string, err error) error {
	var list lang.ErrorList
	if errors.As(err, &list) {
		fmt.Fprint(e.stderr, list.Format(name, text))
		return &reportedError{err: err}
	}
	var one *lang.Error
	if errors.As(err, &one) {
		fmt.Fprint(e.stderr, lang.ErrorList{one}.Format(name, text))
		return &reportedError{err: err}
	}
	return err
}
