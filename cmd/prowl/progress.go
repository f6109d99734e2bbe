package main

import (
	"os"

	"fmt"
	"golang.org/x/term"
	"io"
	"sync"
	"time"
)

// progress draws a one-line progress indicator on a terminal (and nothing when
// output is piped, as cli.md asks). It is safe for concurrent use.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(e *env) *progress {
	return &progress{w: e.stderr, on: e.stdoutTTY || isTerminalWriter(e.stderr), start: time.Now()}
}

// update redraws the line at most ten times a second.
func (p *progress) update(format string, args ...any) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r\033[K%s  %s", fmt.Sprintf(format, args...), now.Sub(p.start).Round(100*time.Millisecond))
	p.drawn = true
}

// done clears the progress line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// isTerminalWriter reports whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
