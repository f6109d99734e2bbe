package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/output"
	"github.com/prowl-hunt/prowl/storage/gen"
)

func demoCommand() *command {
	return &command{
		name:    "demo",
		usage:   "demo [--data DIR] [--rows N]",
		summary: "the tour: generate a demo dataset if the data directory is empty, hunt, discover apps and devices, unsanction",
		help: `
When the data directory holds no tables, a realistic dataset (default 2,000,000
network events over 30 days, with planted stories) is generated into it first.
Then the tour runs, with a short explanation before each step:
  1. the seed hunting query (who talks to Dropbox),
  2. discovery of cloud apps (invoke discover_apps()),
  3. discovery of devices with their risk level and its reasons,
  4. the drill-down from an app back to its raw events,
  5. unsanctioning an app and the DNS RPZ indicators that block it.
On a terminal it ends in the REPL; otherwise it exits.`,
		flags: func(fs *flag.FlagSet) { declareDemoFlags(fs) },
		run:   runDemo,
	}
}

func declareDemoFlags(fs *flag.FlagSet) (data *string, rows *int64) {
	data = dataDirFlag(fs)
	rows = fs.Int64("rows", 2_000_000, "network events to generate when the data directory is empty")
	return data, rows
}

// demoStep is one stop of the tour.
type demoStep struct {
	title, why string
	query      string // KQL query or control command
	wide       bool
}

func demoSteps(device string) []demoStep {
	return []demoStep{
		{
			title: "1. The seed hunt: who talks to Dropbox?",
			why:   "Plain KQL, as in Defender advanced hunting: filter, sort, take.",
			query: `DeviceNetworkEvents
| where RemoteUrl in ("dropbox.com", "www.dropbox.com")
| order by Timestamp desc
| project Timestamp, DeviceName, InitiatingProcessAccountName, InitiatingProcessFileName, RemoteUrl, BytesSent
| take 5`,
		},
		{
			title: "2. Cloud discovery: which apps are in use?",
			why:   "discover_apps() maps every host to a catalog app once per distinct host, then aggregates users, devices and traffic.",
			query: `DeviceNetworkEvents
| where Timestamp > ago(30d)
| invoke discover_apps()
| top 10 by UploadBytes
| project App, Category, Score, Users, Devices, Transactions, UploadBytes, DownloadBytes`,
		},
		{
			title: "3. Risky devices, and why",
			why:   "A device is High when its latest day departs from its own baseline or it uses unsanctioned or low-score apps; the reasons say which.",
			query: `DeviceNetworkEvents
| where Timestamp > ago(30d)
| invoke discover_devices()
| take 3
| project DeviceName, RiskLevel, RiskReasons, UploadBytes, Apps`,
			wide: true,
		},
		{
			title: "4. Drill down from the app back to raw events",
			why:   "cloud_app() catches every subdomain of the app; here: the night-time uploads of the riskiest device.",
			query: fmt.Sprintf(`DeviceNetworkEvents
| where cloud_app(RemoteUrl) == "Dropbox" and DeviceName == %s
| where hourofday(Timestamp) between (1 .. 4)
| summarize Uploads = count(), Uploaded = sum(BytesSent) by Night = bin(Timestamp, 1d)
| extend UploadedGB = round(Uploaded / 1e9, 1)
| order by Night desc
| take 5`, kqlString(device)),
		},
		{
			title: "5. Block it: unsanction Dropbox",
			why:   "Tagging is durable and audited; each domain of the app becomes a Block indicator with a stable external id.",
			query: `.unsanction app "Dropbox" with (reason="demo: gigabytes uploaded at night")`,
		},
	}
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	data, rows := declareDemoFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	dir, err := resolveDataDir(e, *data)
	if err != nil {
		return err
	}
	empty, err := dataDirEmpty(dir)
	if err != nil {
		return err
	}
	if empty {
		fmt.Fprintf(e.stdout, "prowl demo: generating %d network events (30 days, 2,000 devices, 5,000 users) into %s ...\n", *rows, dir)
		start := time.Now()
		res, err := generate(ctx, e, dir, gen.Config{Rows: *rows}, gen.CatalogOptions{})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "generated %d rows in %s\n\n", res.Rows["DeviceNetworkEvents"], time.Since(start).Round(100*time.Millisecond))
	} else {
		fmt.Fprintf(e.stdout, "prowl demo: using the data in %s\n\n", dir)
	}
	db, err := prowl.Open(dir, &prowl.Options{User: "demo"})
	if err != nil {
		return err
	}
	defer db.Close()

	device, err := riskiestDevice(ctx, db)
	if err != nil {
		return err
	}
	for _, step := range demoSteps(device) {
		fmt.Fprintf(e.stdout, "── %s\n   %s\n\n", step.title, step.why)
		for _, line := range strings.Split(step.query, "\n") {
			fmt.Fprintf(e.stdout, "   %s\n", line)
		}
		fmt.Fprintln(e.stdout)
		if err := runDemoStep(ctx, e, db, step); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "── 6. The indicators, as a DNS response policy zone (other formats: prowl help indicators)\n\n")
	if err := exportIndicators(ctx, e, db, "rpz", ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nUndo with: prowl untag Dropbox --data %s\n", dir)
	if e.stdinTTY && e.stdoutTTY {
		fmt.Fprintf(e.stdout, "\nNow it's your turn: the REPL is open on the demo data (#help for help, Ctrl+D to quit).\n")
		db.Close()
		return runRepl(ctx, e, []string{"--data", dir})
	}
	return nil
}

func runDemoStep(ctx context.Context, e *env, db *prowl.DB, step demoStep) error {
	start := time.Now()
	var res *prowl.Result
	var err error
	if strings.HasPrefix(strings.TrimSpace(step.query), ".") {
		res, err = db.Exec(ctx, step.query)
	} else {
		res, err = db.Query(ctx, step.query, nil)
	}
	if err != nil {
		return reportQueryError(e, "demo", step.query, err)
	}
	defer res.Close()
	for _, m := range res.Messages {
		fmt.Fprintf(e.stdout, "   note: %s\n", m)
	}
	_, err = output.Write(ctx, e.stdout, output.Table, res.Columns, res.Reader, output.Options{Wide: step.wide, MaxWidth: 60, Start: start})
	return err
}

// riskiestDevice names the device the tour drills into: the one with the most
// bytes uploaded to Dropbox at night.
func riskiestDevice(ctx context.Context, db *prowl.DB) (string, error) {
	res, err := db.Query(ctx, `DeviceNetworkEvents
| where cloud_app(RemoteUrl) == "Dropbox" and hourofday(Timestamp) between (1 .. 4)
| summarize Up = sum(BytesSent) by DeviceName
| top 1 by Up
| project DeviceName`, nil)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	defer res.Close()
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		if rec.NumRows() > 0 {
			return stringValue(rec.Column(0), 0), nil
		}
	}
	if err := res.Reader.Err(); err != nil {
		return "", err
	}
	return "", nil
}

// dataDirEmpty reports whether dir holds no table folders yet.
func dataDirEmpty(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, ent := range entries {
		if ent.IsDir() && !strings.HasPrefix(ent.Name(), "_") && !strings.HasPrefix(ent.Name(), ".") {
			if m, _ := filepath.Glob(filepath.Join(dir, ent.Name(), "*", "*.parquet")); len(m) > 0 {
				return false, nil
			}
		}
	}
	return true, nil
}
