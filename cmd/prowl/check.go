package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/lang"
)

func checkCommand() *command {
	return &command{
		name:    "check",
		flags:   func(fs *flag.FlagSet) { declareCheckFlags(fs) },
		usage:   "check [--parse-only] FILE... | -",
		summary: "parse and bind query files; print file:line:col: message per error (for CI of detection rules)",
		help: `
Each file is parsed and, unless --parse-only, bound against the built-in Defender
schemas, the tables in the data directory and every registered function. Errors are
printed as file:line:col: message with the source line and a caret. The exit status
is 1 when any file has errors.`,
		run: runCheck,
	}
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	data, parseOnly := declareCheckFlags(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files to check (give FILE... or - for standard input)")
	}
	var db *prowl.DB
	if !*parseOnly {
		dir, err := resolveDataDir(e, *data)
		if err != nil {
			return err
		}
		if db, err = prowl.Open(dir, nil); err != nil {
			return err
		}
		defer db.Close()
	}
	failed := 0
	for _, f := range files {
		var src []byte
		if f == "-" {
			src, err = io.ReadAll(e.stdin)
		} else {
			src, err = os.ReadFile(f)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "prowl: %v\n", err)
			failed++
			continue
		}
		if *parseOnly {
			_, err = lang.Parse(string(src))
		} else {
			err = db.Check(string(src))
		}
		if err != nil {
			failed++
			var list lang.ErrorList
			if errors.As(err, &list) {
				fmt.Fprint(e.stdout, list.Format(f, string(src)))
			} else {
				fmt.Fprintf(e.stdout, "%s: %v\n", f, err)
			}
		}
	}
	if failed > 0 {
		return &reportedError{err: fmt.Errorf("%d of %d files have errors", failed, len(files))}
	}
	return nil
}

func declareCheckFlags(fs *flag.FlagSet) (data *string, parseOnly *bool) {
	data = dataDirFlag(fs)
	parseOnly = fs.Bool("parse-only", false, "only parse; do not check names and types against the schemas")
	return data, parseOnly
}
