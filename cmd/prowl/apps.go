package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/output"
)

func appsCommand() *command {
	return &command{
		name:    "apps",
		usage:   "apps [--since 30d] [--top N] [--format F] [--apply-policies]",
		summary: "the discovered cloud apps: users, devices, traffic, uploads, risk score, tag (KQL: invoke discover_apps())",
		help: `
Runs DeviceNetworkEvents | where Timestamp > ago(SINCE) | invoke discover_apps()
| top N by Users. With --apply-policies the enabled discovery policies are evaluated
too and the apps they tag are reported.`,
		flags: func(fs *flag.FlagSet) { declareAppsFlags(fs) },
		run:   runApps,
	}
}

type appsFlags struct {
	data, since, format *string
	top                 *int
	apply, wide         *bool
}

func declareAppsFlags(fs *flag.FlagSet) *appsFlags {
	return &appsFlags{
		data:   dataDirFlag(fs),
		since:  fs.String("since", "30d", "look back this far (a KQL timespan: 30d, 12h, ...)"),
		top:    fs.Int("top", 50, "show the N apps with the most users"),
		format: fs.String("format", "", "output format (default table on a terminal, csv otherwise)"),
		apply:  fs.Bool("apply-policies", false, "also evaluate the enabled discovery policies"),
		wide:   fs.Bool("wide", false, "table format: show long cells whole"),
	}
}

func runApps(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("apps", flag.ContinueOnError)
	f := declareAppsFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	format, err := pickFormat(e, *f.format)
	if err != nil {
		return usagef("%v", err)
	}
	if *f.top <= 0 {
		return usagef("--top must be positive")
	}
	db, err := openDB(e, *f.data)
	if err != nil {
		return err
	}
	defer db.Close()
	if *f.apply {
		if err := execAndPrint(ctx, e, db, fmt.Sprintf(".apply policies with (period=%q)", *f.since), format, *f.wide); err != nil {
			return err
		}
	}
	q := fmt.Sprintf("DeviceNetworkEvents | where Timestamp > ago(%s) | invoke discover_apps() | top %d by Users", *f.since, *f.top)
	return queryAndPrint(ctx, e, db, q, format, *f.wide)
}

func tagCommand(name, tag string) *command {
	what := "tag the apps " + tag + " and print the indicators that result"
	if tag == "" {
		what = "remove the apps' tags and print the indicator removals that result"
	}
	return &command{
		name:    name,
		usage:   name + " APP... [--reason R] [--groups G1,G2] [--format F] [--out FILE]",
		summary: what,
		help: `
APP is an app name or id from the catalog (prowl query '.show apps'). Tagging is
durable and audited (who, when, why); the last action wins. Unsanctioned apps get
one Block indicator per domain, Monitored apps a Warn indicator; apps on the
never-block list (identity, update and security services) are refused with a
reason. --groups limits blocking to device groups (MachineGroup). The indicators
are printed in --format (see 'prowl help indicators'); blocking reaches endpoints
within hours, not instantly.`,
		flags: func(fs *flag.FlagSet) { declareTagFlags(fs) },
		run: func(ctx context.Context, e *env, args []string) error {
			return runTag(ctx, e, name, args)
		},
	}
}

type tagFlags struct {
	data, reason, groups, format, out *string
}

func declareTagFlags(fs *flag.FlagSet) *tagFlags {
	return &tagFlags{
		data:   dataDirFlag(fs),
		reason: fs.String("reason", "", "why (kept in the audit trail)"),
		groups: fs.String("groups", "", "comma-separated device groups (MachineGroup) to scope blocking to"),
		format: fs.String("format", "defender-json", "indicator `format`"),
		out:    fs.String("out", "", "write the indicators to `FILE` instead of standard output"),
	}
}

func runTag(ctx context.Context, e *env, verb string, args []string) error {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	f := declareTagFlags(fs)
	apps, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		return usagef("name at least one app")
	}
	db, err := openDB(e, *f.data)
	if err != nil {
		return err
	}
	defer db.Close()
	quoted := make([]string, len(apps))
	for i, a := range apps {
		quoted[i] = kqlString(a)
	}
	cmd := fmt.Sprintf(".%s app %s", verb, strings.Join(quoted, " "))
	var props []string
	if *f.reason != "" {
		props = append(props, "reason="+kqlString(*f.reason))
	}
	if *f.groups != "" {
		props = append(props, "groups="+kqlString(*f.groups))
	}
	if user := e.getenv("USER"); user != "" {
		props = append(props, "actor="+kqlString(user))
	}
	if len(props) > 0 {
		cmd += " with (" + strings.Join(props, ", ") + ")"
	}
	if err := execAndPrint(ctx, e, db, cmd, output.Table, false); err != nil {
		return err
	}
	return exportIndicators(ctx, e, db, *f.format, *f.out)
}

func indicatorsCommand() *command {
	return &command{
		name:    "indicators",
		usage:   "indicators [--format F] [--out FILE]",
		summary: "print the current indicator set (from the ledger) in an enforcement format",
		help: `
Formats: defender-json (default; import bodies of at most 500), defender-csv,
stix (2.1 bundle), rpz (DNS response policy zone), hosts, dnsmasq, squid, adguard,
bluecoat, cisco-asa, fortigate, paloalto, zscaler, juniper-srx, websense.
Each indicator carries the external id prowl:<app-id>:<domain>, so emitting again
is idempotent. With --out and several import bodies, the files are FILE, FILE.2, ...`,
		flags: func(fs *flag.FlagSet) { declareIndicatorFlags(fs) },
		run:   runIndicators,
	}
}

func declareIndicatorFlags(fs *flag.FlagSet) (data, format, out *string) {
	data = dataDirFlag(fs)
	format = fs.String("format", "defender-json", "indicator `format`")
	out = fs.String("out", "", "write to `FILE` instead of standard output")
	return data, format, out
}

func runIndicators(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	data, format, out := declareIndicatorFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	db, err := openDB(e, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	return exportIndicators(ctx, e, db, *format, *out)
}

// exportIndicators runs `.export indicators format=F` and writes each part's
// content to stdout or to out (out, out.2, out.3, ... when there are several).
func exportIndicators(ctx context.Context, e *env, db *prowl.DB, format, out string) error {
	res, err := db.Exec(ctx, ".export indicators format="+kqlString(format))
	if err != nil {
		return err
	}
	defer res.Close()
	for _, m := range res.Messages {
		fmt.Fprintf(e.stderr, "prowl: %s\n", m)
	}
	contentCol := res.Columns.Index("Content")
	if contentCol < 0 {
		return fmt.Errorf("export indicators: no Content column in the answer")
	}
	part := 0
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		col, ok := rec.Column(contentCol).(*array.String)
		if !ok {
			return fmt.Errorf("export indicators: Content is %s, want string", rec.Column(contentCol).DataType())
		}
		for i := 0; i < col.Len(); i++ {
			part++
			if err := writePart(e.stdout, out, part, col.Value(i)); err != nil {
				return err
			}
		}
	}
	return res.Reader.Err()
}

func writePart(stdout io.Writer, out string, part int, content string) error {
	if out == "" {
		_, err := io.WriteString(stdout, content)
		if err == nil && !strings.HasSuffix(content, "\n") {
			_, err = io.WriteString(stdout, "\n")
		}
		return err
	}
	path := out
	if part > 1 {
		path = out + "." + strconv.Itoa(part)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// kqlString quotes s as a KQL string literal.
func kqlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// openDB opens the data directory chosen by --data / $PROWL_DATA / XDG.
func openDB(e *env, flagValue string) (*prowl.DB, error) {
	dir, err := resolveDataDir(e, flagValue)
	if err != nil {
		return nil, err
	}
	return prowl.Open(dir, &prowl.Options{User: e.getenv("USER")})
}

// queryAndPrint runs a query and prints its result in format.
func queryAndPrint(ctx context.Context, e *env, db *prowl.DB, text string, format output.Format, wide bool) error {
	start := time.Now()
	res, err := db.Query(ctx, text, nil)
	if err != nil {
		return reportQueryError(e, "query", text, err)
	}
	defer res.Close()
	return printResult(ctx, e, res, format, wide, start)
}

// execAndPrint runs a control command and prints its answer and messages.
func execAndPrint(ctx context.Context, e *env, db *prowl.DB, text string, format output.Format, wide bool) error {
	start := time.Now()
	res, err := db.Exec(ctx, text)
	if err != nil {
		return reportQueryError(e, "command", text, err)
	}
	defer res.Close()
	return printResult(ctx, e, res, format, wide, start)
}

func printResult(ctx context.Context, e *env, res *prowl.Result, format output.Format, wide bool, start time.Time) error {
	for _, m := range res.Messages {
		fmt.Fprintf(e.stderr, "prowl: %s\n", m)
	}
	_, err := output.Write(ctx, e.stdout, format, res.Columns, res.Reader, output.Options{Wide: wide, Start: start})
	return err
}
