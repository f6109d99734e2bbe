package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/ingest"
)

func ingestCommand() *command {
	return &command{
		name:    "ingest",
		usage:   "ingest --table T [--format auto|defender|ndjson|csv|squid|w3c|cef|leef|zscaler] [--rejects FILE] FILE... | -",
		summary: "import files or a stream into a table; bad rows go to a reject file, good rows always land",
		help: `
Each row is converted to the table's schema (the built-in Defender schemas, or the
table's schema on disk). A row that cannot be converted is written, with its file,
line and reason, to the reject file (default <data>/_prowl/rejects/ingest-TIME.ndjson)
and the rest still lands. Standard input ("-") is treated as a stream: a batch is
committed every 4,000 rows, 4 MB or hour, whichever comes first. The summary says
how many rows were read, accepted and rejected.

Formats: defender (the streaming-export envelope {"records":[...]}, whose category
names the table), ndjson, csv (with a header), squid (native access.log), w3c (Blue
Coat, TMG), cef, leef, zscaler (NSS feeds in CEF or LEEF form); auto sniffs the first
bytes.`,
		flags: func(fs *flag.FlagSet) { declareIngestFlags(fs) },
		run:   runIngest,
	}
}

type ingestFlags struct {
	data, table, format, rejects *string
}

func declareIngestFlags(fs *flag.FlagSet) *ingestFlags {
	return &ingestFlags{
		data:    dataDirFlag(fs),
		table:   fs.String("table", "", "destination `table` (required unless the input names it, as Defender envelopes do)"),
		format:  fs.String("format", "auto", "input `format`"),
		rejects: fs.String("rejects", "", "reject `file` (NDJSON of file, line, reason, raw)"),
	}
}

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	f := declareIngestFlags(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no input: give FILE... or - for standard input")
	}
	format, err := ingest.ParseFormat(*f.format)
	if err != nil {
		return usagef("%v", err)
	}
	dir, err := resolveDataDir(e, *f.data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cat, err := storage.Open(dir)
	if err != nil {
		return err
	}
	defer cat.Close()

	rejectPath := *f.rejects
	if rejectPath == "" {
		rejectPath = filepath.Join(dir, "_prowl", "rejects", "ingest-"+time.Now().UTC().Format("20060102T150405Z")+".ndjson")
	}
	rej := &lazyFile{path: rejectPath}
	defer rej.Close()

	stream := len(files) == 1 && files[0] == "-"
	sink := ingest.NewCatalogSink(cat, storage.WriterOptions{}, stream)
	opts := ingest.Options{Table: *f.table, Format: format, Schema: cat.Table, Rejects: rej}
	if stream {
		opts.Policy = ingest.StreamPolicy
	}
	im := ingest.NewImporter(sink.Commit, opts)
	p := newProgress(e)
	for _, name := range files {
		var r io.Reader
		if name == "-" {
			r, name = e.stdin, "-"
		} else {
			file, err := os.Open(name)
			if err != nil {
				return err
			}
			defer file.Close()
			r = file
		}
		p.update("importing %s", name)
		if err := im.Import(ctx, r, name); err != nil {
			p.done()
			_, _ = im.Close()
			_ = sink.Close()
			return fmt.Errorf("ingest %s: %w", name, err)
		}
	}
	sum, err := im.Close()
	p.done()
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	fmt.Fprintf(e.stdout, "read %d rows: %d accepted, %d rejected\n", sum.Read, sum.Accepted, sum.Rejected)
	tables := make([]string, 0, len(sum.Tables))
	for t := range sum.Tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(e.stdout, "  %s: %d rows\n", t, sum.Tables[t])
	}
	if len(sum.Unknown) > 0 {
		var names []string
		for k := range sum.Unknown {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(e.stdout, "  ignored fields that name no column: %s\n", strings.Join(names, ", "))
	}
	if sum.Rejected > 0 {
		fmt.Fprintf(e.stdout, "  rejected rows: %s\n", rejectPath)
		return &reportedError{err: fmt.Errorf("%d rows rejected", sum.Rejected)}
	}
	return nil
}

// lazyFile creates its file on the first write, so a clean import leaves no
// empty reject file behind.
type lazyFile struct {
	path string
	f    *os.File
}

func (l *lazyFile) Write(b []byte) (int, error) {
	if l.f == nil {
		if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
			return 0, err
		}
		f, err := os.Create(l.path)
		if err != nil {
			return 0, err
		}
		l.f = f
	}
	return l.f.Write(b)
}

func (l *lazyFile) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}
