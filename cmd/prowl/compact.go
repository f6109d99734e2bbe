package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/prowl-hunt/prowl/storage"
)

func compactCommand() *command {
	return &command{
		name:    "compact",
		usage:   "compact [--table T] [--data DIR]",
		summary: "merge each day's small Parquet files into large ones, atomically",
		help: `
Streaming ingest leaves many small files per day; compaction rewrites each day
folder that holds more than one file into large files and swaps them in with one
atomic rename. Queries running meanwhile see the old set or the new set, never a
mix. Without --table every table is compacted.`,
		flags: func(fs *flag.FlagSet) { declareCompactFlags(fs) },
		run:   runCompact,
	}
}

func declareCompactFlags(fs *flag.FlagSet) (data, table *string) {
	data = dataDirFlag(fs)
	table = fs.String("table", "", "compact only this `table` (default all)")
	return data, table
}

func runCompact(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("compact", flag.ContinueOnError)
	data, table := declareCompactFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	dir, err := resolveDataDir(e, *data)
	if err != nil {
		return err
	}
	cat, err := storage.Open(dir)
	if err != nil {
		return err
	}
	tables := []string{*table}
	if *table == "" {
		tables = cat.DataTables()
	}
	for _, t := range tables {
		info, err := cat.Compact(ctx, t)
		if err != nil {
			return fmt.Errorf("compact %s: %w", t, err)
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", t, info)
	}
	return nil
}
