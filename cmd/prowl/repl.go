package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/builtin"
	"github.com/prowl-hunt/prowl/repl"
)

func replCommand() *command {
	return &command{
		name:    "repl",
		usage:   "repl [--data DIR]",
		summary: "interactive hunting: multi-line KQL with completion, history, highlighting and charts",
		help: `
On a terminal: Enter runs the query when it is complete (or on a blank line) and
otherwise continues it on the next line; Tab completes tables, operators,
columns and functions; Up/Down walk the history (kept in DATA/_prowl/history);
Ctrl+C cancels a running query or clears the line; Ctrl+D quits. #help lists
the # commands (#tables, #schema T, #types, #explain, #save FILE, #quit).

When standard input is not a terminal, queries are read from it (each runs when
complete and the next line does not continue it, or at a blank line) and their
results printed; the exit status is 1 when any of them failed.`,
		flags: func(fs *flag.FlagSet) { dataDirFlag(fs) },
		run:   runRepl,
	}
}

// runRepl runs the interactive session on the data directory of args.
func runRepl(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("repl", flag.ContinueOnError)
	data := dataDirFlag(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	dir, err := resolveDataDir(e, *data)
	if err != nil {
		return err
	}
	db, err := prowl.Open(dir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sess := &repl.Session{DB: db, Out: e.stdout, Err: e.stderr}
	if e.stdoutTTY {
		sess.Status = e.stderr
	}
	defer sess.Close()
	if e.stdinTTY && e.stdoutTTY {
		if tty, ok := openTTY(); ok {
			hist, err := repl.OpenHistory(filepath.Join(dir, "_prowl", "history"), 0)
			if err != nil {
				fmt.Fprintf(e.stderr, "prowl: %v\n", err)
			}
			sess.History = hist
			return runInteractive(ctx, e, db, sess, tty)
		}
	}
	return runLines(ctx, e, sess)
}

// openTTY checks that the controlling terminal can be opened (go-prompt reads
// from /dev/tty) and returns the descriptor whose settings to restore.
func openTTY() (int, bool) {
	f, err := os.Open("/dev/tty")
	if err != nil {
		return 0, false
	}
	f.Close()
	return int(os.Stdin.Fd()), true
}

// runLines is the session without a terminal: statements come from stdin,
// each run when it is complete or at a blank line, and the rest at the end.
func runLines(ctx context.Context, e *env, sess *repl.Session) error {
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var buf strings.Builder
	flush := func() error {
		text := buf.String()
		buf.Reset()
		if strings.TrimSpace(text) == "" {
			return nil
		}
		return sess.Run(ctx, text)
	}
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			if err := flush(); err != nil {
				return quitOK(err)
			}
			continue
		}
		// a complete statement runs once the next line does not go on
		// with it (KQL files put the pipes at the start of lines)
		if buf.Len() > 0 && repl.Ready(buf.String()) && !repl.Continues(line) {
			if err := flush(); err != nil {
				return quitOK(err)
			}
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := flush(); err != nil {
		return quitOK(err)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	if sess.Failed > 0 {
		return &reportedError{err: fmt.Errorf("%d of the queries failed", sess.Failed)}
	}
	return nil
}

func quitOK(err error) error {
	if errors.Is(err, repl.ErrQuit) {
		return nil
	}
	return err
}

// dbCatalog adapts a DB to the completer's lang.Tables and lang.Functions
// when the engine does not offer them directly.
type dbCatalog struct{ db *prowl.DB }

func (c dbCatalog) Table(name string) (kusto.Schema, bool) { return c.db.Columns(name) }
func (c dbCatalog) TableNames() []string                   { return c.db.Tables() }

// completerFor builds the completer over the DB's tables and functions.
func completerFor(db *prowl.DB) *repl.Completer {
	c := &repl.Completer{Tables: dbCatalog{db}, Functions: builtin.Functions()}
	if f, ok := db.Registry().(lang.Functions); ok {
		c.Functions = f
	}
	if t, ok := db.Registry().(lang.Tables); ok {
		c.Tables = t
	}
	return c
}

// interrupter cancels the running query on Ctrl+C (SIGINT, which the
// terminal sends while a query runs: the prompt is in cooked mode then).
type interrupter struct {
	mu       sync.Mutex
	cancel   context.CancelFunc
	quit     bool // SIGTERM: stop after the running query
	sigs     chan os.Signal
	stopOnce sync.Once
	done     chan struct{}
}

func newInterrupter() *interrupter {
	in := &interrupter{sigs: make(chan os.Signal, 4), done: make(chan struct{})}
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM)
	go in.loop()
	return in
}

func (in *interrupter) loop() {
	for {
		select {
		case <-in.done:
			return
		case s := <-in.sigs:
			in.mu.Lock()
			if s == syscall.SIGTERM {
				in.quit = true
			}
			if in.cancel != nil {
				in.cancel()
			}
			in.mu.Unlock()
		}
	}
}

// run runs f with a context Ctrl+C cancels.
func (in *interrupter) run(parent context.Context, f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(parent)
	in.mu.Lock()
	in.cancel = cancel
	in.mu.Unlock()
	f(ctx)
	in.mu.Lock()
	in.cancel = nil
	in.mu.Unlock()
	cancel()
}

func (in *interrupter) quitting() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.quit
}

func (in *interrupter) stop() {
	in.stopOnce.Do(func() {
		signal.Stop(in.sigs)
		close(in.done)
	})
}
