package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// command is one subcommand of prowl.
type command struct {
	name    string
	usage   string // the synopsis after "prowl "
	summary string // one line for the command list
	help    string // the longer explanation for `prowl help NAME`
	// flags declares the command's flags on fs; help uses it to list them.
	flags func(fs *flag.FlagSet)
	run   func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets: the streams and the environment, so tests can
// run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdoutTTY and stdinTTY report whether the streams are terminals.
	stdoutTTY, stdinTTY bool
}

// usageError marks errors in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// reportedError marks an error whose details were already printed (query
// diagnostics with carets); main only sets the exit status.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

func commands() []*command {
	return []*command{
		queryCommand(),
		checkCommand(),
		replCommand(),
		serveCommand(),
		genCommand(),
		ingestCommand(),
		compactCommand(),
		appsCommand(),
		tagCommand("unsanction", "Unsanctioned"),
		tagCommand("sanction", "Sanctioned"),
		tagCommand("monitor", "Monitored"),
		tagCommand("untag", ""),
		indicatorsCommand(),
		demoCommand(),
	}
}

func main() {
	e := &env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes prowl with args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	if len(args) == 0 {
		if e.stdinTTY && e.stdoutTTY {
			args = []string{"repl"}
		} else {
			printHelp(e.stdout, cmds)
			return 0
		}
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			if c := findCommand(cmds, args[1]); c != nil {
				printCommandHelp(e.stdout, c)
				return 0
			}
			fmt.Fprintf(e.stderr, "prowl: unknown command %q\n", args[1])
			return 2
		}
		printHelp(e.stdout, cmds)
		return 0
	case "version", "--version":
		fmt.Fprintln(e.stdout, "prowl", version)
		return 0
	}
	c := findCommand(cmds, name)
	if c == nil {
		fmt.Fprintf(e.stderr, "prowl: unknown command %q%s\nRun 'prowl help' for the list of commands.\n", name, suggestCommand(cmds, name))
		return 2
	}
	err := c.run(ctx, e, args[1:])
	var ue *usageError
	var re *reportedError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		printCommandHelp(e.stdout, c)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "prowl %s: %s\nusage: prowl %s\n", c.name, ue.msg, c.usage)
		return 2
	case errors.As(err, &re):
		return 1
	default:
		fmt.Fprintf(e.stderr, "prowl: %v\n", err)
		return 1
	}
}

const version = "0.1.0"

func findCommand(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

func suggestCommand(cmds []*command, name string) string {
	for _, c := range cmds {
		if strings.HasPrefix(c.name, name) || strings.HasPrefix(name, c.name) {
			return fmt.Sprintf("; did you mean %q?", c.name)
		}
	}
	return ""
}

func printHelp(w io.Writer, cmds []*command) {
	fmt.Fprint(w, `prowl — threat hunting and cloud discovery with KQL over Parquet.

Usage:
  prowl                 the REPL on a terminal (this help otherwise)
  prowl COMMAND [ARGS]

Commands:
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Data directory: --data DIR, else $PROWL_DATA, else $XDG_DATA_HOME/prowl (~/.local/share/prowl).
Exit status: 0 success, 1 the query or command failed, 2 usage error.
Run 'prowl help COMMAND' for a command's flags.
`)
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: prowl %s\n\n%s\n", c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if c.flags == nil {
		return
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(fs)
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", b.String())
	}
}

// parseNoArgs parses the flags of a command that takes no positional
// arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parseFlags(fs, args)
	if err == nil && len(pos) > 0 {
		err = usagef("unexpected argument %q", pos[0])
	}
	return err
}

// parseFlags parses args with flags and positional arguments in any order
// (`prowl query 'T | take 1' --format csv` and `prowl query --format csv 'T'`
// both work); "--" ends flag parsing. It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// dataDirFlag adds --data to fs.
func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory (default $PROWL_DATA, else $XDG_DATA_HOME/prowl)")
}

// resolveDataDir applies the --data / $PROWL_DATA / XDG rule of cli.md.
func resolveDataDir(e *env, flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := e.getenv("PROWL_DATA"); d != "" {
		return d, nil
	}
	if x := e.getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "prowl"), nil
	}
	home := e.getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no data directory: set --data or $PROWL_DATA (%w)", err)
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "prowl"), nil
}
