package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/prowl-hunt/prowl/discovery/catalog"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

func genCommand() *command {
	return &command{
		name:    "gen",
		usage:   "gen --out DIR [--rows N] [--days D] [--devices N] [--users N] [--seed S] [--end DATE] [--compression zstd|snappy]",
		summary: "write a realistic synthetic dataset (DeviceNetworkEvents with bytes, DeviceInfo, DeviceLogonEvents, DeviceNetworkInfo)",
		help: `
The data is deterministic for a seed: devices with OS and machine groups, users who
mostly stay on their own machines, a diurnal and weekly rhythm, cloud-app domains
drawn Zipf-like from the app catalog plus a long tail, IP-only connections, heavy-
tailed byte counts, and three planted stories (a device uploading gigabytes to
Dropbox at night, a user on many machines, a rare app used by one department).
Rows are written in the storage layout (<DIR>/<Table>/date=YYYY-MM-DD/*.parquet).`,
		flags: func(fs *flag.FlagSet) { declareGenFlags(fs) },
		run:   runGen,
	}
}

type genFlags struct {
	out, end, compression *string
	rows                  *int64
	days, devices, users  *int
	seed                  *uint64
}

func declareGenFlags(fs *flag.FlagSet) *genFlags {
	return &genFlags{
		out:         fs.String("out", "", "data `directory` to write into (required)"),
		rows:        fs.Int64("rows", 1_000_000, "DeviceNetworkEvents rows"),
		days:        fs.Int("days", 30, "days of data, ending at --end"),
		devices:     fs.Int("devices", 2000, "devices"),
		users:       fs.Int("users", 5000, "users"),
		seed:        fs.Uint64("seed", 1, "random seed: the same seed gives the same data"),
		end:         fs.String("end", "", "exclusive end `date` of the data, YYYY-MM-DD (default today, UTC)"),
		compression: fs.String("compression", "zstd", "Parquet compression: zstd or snappy"),
	}
}

func runGen(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	f := declareGenFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *f.out == "" {
		return usagef("--out DIR is required")
	}
	cfg := gen.Config{Rows: *f.rows, Days: *f.days, Devices: *f.devices, Users: *f.users, Seed: *f.seed}
	if *f.end != "" {
		t, err := time.Parse("2006-01-02", *f.end)
		if err != nil {
			return usagef("--end: want YYYY-MM-DD, got %q", *f.end)
		}
		cfg.End = t
	}
	var opts gen.CatalogOptions
	switch *f.compression {
	case "zstd":
		opts.Writer.Codec = storage.Zstd
	case "snappy":
		opts.Writer.Codec = storage.Snappy
	default:
		return usagef("--compression: want zstd or snappy, got %q", *f.compression)
	}
	res, err := generate(ctx, e, *f.out, cfg, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d DeviceNetworkEvents rows (+%d DeviceInfo, %d DeviceLogonEvents, %d DeviceNetworkInfo) in %d files to %s\n",
		res.Rows["DeviceNetworkEvents"], res.Rows["DeviceInfo"], res.Rows["DeviceLogonEvents"], res.Rows["DeviceNetworkInfo"], len(res.Files), *f.out)
	return nil
}

// generate writes a dataset into dir with progress on a terminal.
func generate(ctx context.Context, e *env, dir string, cfg gen.Config, opts gen.CatalogOptions) (gen.CatalogResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return gen.CatalogResult{}, err
	}
	cat, err := storage.Open(dir)
	if err != nil {
		return gen.CatalogResult{}, err
	}
	defer cat.Close()
	if cfg.Apps == nil {
		apps, err := catalogApps()
		if err != nil {
			return gen.CatalogResult{}, err
		}
		cfg.Apps = gen.WithCatalog(apps)
	}
	p := newProgress(e)
	cfg.Progress = func(pr gen.Progress) {
		if pr.TotalRows > 0 {
			p.update("generating: %d / %d rows (%d%%)", pr.DoneRows, pr.TotalRows, pr.DoneRows*100/pr.TotalRows)
		}
	}
	res, err := gen.WriteCatalog(ctx, cfg, cat, opts)
	p.done()
	if err != nil {
		return res, fmt.Errorf("gen: %w", err)
	}
	return res, nil
}

// catalogApps turns the embedded app catalog (built from domain-list-community)
// into the generator's mid tail: every app with its domains as hosts, after the
// generator's built-in popular head.
func catalogApps() ([]gen.App, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, fmt.Errorf("app catalog: %w", err)
	}
	var apps []gen.App
	for _, a := range cat.Apps() {
		hosts := append(append([]string(nil), a.Domains...), a.Exact...)
		if len(hosts) > 0 {
			apps = append(apps, gen.App{Name: a.Name, Hosts: hosts})
		}
	}
	return apps, nil
}
