package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// The pseudo-terminal test runs prowl as a child process: the test binary
// itself, which runs main() instead of the tests when this variable is set.
const execMainEnv = "PROWL_REPL_TEST_EXEC_MAIN"

func init() {
	if os.Getenv(execMainEnv) == "1" {
		main()
	}
}

// screen collects what the child writes to the terminal.
type screen struct {
	t    *testing.T
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func newScreen(t *testing.T, r io.Reader) *screen {
	s := &screen{t: t, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r`)

// text is the screen output so far without escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(s.buf.String(), "")
}

// waitFor waits until want appears after offset from (in text()), and
// returns the offset after it. Each retry function runs while waiting.
func (s *screen) waitFor(want string, from int, every time.Duration, retry func()) int {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	next := time.Now().Add(every)
	for {
		txt := s.text()
		if from > len(txt) {
			from = len(txt)
		}
		if i := strings.Index(txt[from:], want); i >= 0 {
			return from + i + len(want)
		}
		if time.Now().After(deadline) {
			tail := txt[from:]
			if len(tail) > 3000 {
				tail = tail[len(tail)-3000:]
			}
			s.t.Fatalf("timed out waiting for %q on the terminal; after offset %d it shows:\n%s", want, from, tail)
		}
		if retry != nil && time.Now().After(next) {
			retry()
			next = time.Now().Add(every)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReplOnTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs prowl in a pseudo-terminal")
	}
	dir := t.TempDir()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: 140}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("termios: %v", err)
	}

	cmd := exec.Command(os.Args[0], "repl", "--data", dir)
	cmd.Env = append(os.Environ(), execMainEnv+"=1", "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prowl: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()
	scr := newScreen(t, ptmx)
	send := func(s string) {
		t.Helper()
		if _, err := ptmx.Write([]byte(s)); err != nil {
			t.Fatalf("type %q: %v", s, err)
		}
	}

	at := scr.waitFor("prowl> ", 0, time.Hour, nil)

	// typeLine types text, waits for the terminal to show it, and presses
	// Enter (a key of its own: typed together, go-prompt takes the newline
	// as pasted text).
	typeLine := func(text string) {
		t.Helper()
		send(text)
		at = scr.waitFor(text, at, time.Hour, nil)
		send("\r")
	}

	// A multi-line query: the first Enter continues (the line ends with ','),
	// the second runs it.
	typeLine("print a = 40 + 2,")
	typeLine("b = strcat('mul', 'tiline')")
	at = scr.waitFor("multiline", at, time.Hour, nil)
	at = scr.waitFor("1 row (", at, time.Hour, nil)

	// Completion: a table name, then a column of that table.
	send("DeviceNetw")
	at = scr.waitFor("DeviceNetworkEvents", at, time.Hour, nil) // the suggestion shows
	send("\t")
	at = scr.waitFor("DeviceNetworkEvents", at, time.Hour, nil) // now in the line
	send("\r") // a bare table name continues on the next line
	send("| project RemoteP")
	at = scr.waitFor("RemotePort", at, time.Hour, nil)
	send("\t")
	at = scr.waitFor("RemotePort", at, time.Hour, nil)
	typeLine(" | take 0")
	at = scr.waitFor("0 rows (", at, time.Hour, nil)

	// Ctrl+C at the prompt clears the line.
	send("print junk = 1")
	at = scr.waitFor("junk = 1", at, time.Hour, nil)
	send("\x03")
	typeLine("print v = strcat('cle', 'ared')")
	at = scr.waitFor("cleared", at, time.Hour, nil)

	// Ctrl+C during a slow query cancels it and the shell goes on.
	typeLine("range x from 1 to 5000000 step 1 | where tostring(x) matches regex '^(1|2)+3$' | count")
	at = scr.waitFor("running", at, time.Hour, nil)
	send("\x03")
	at = scr.waitFor("query cancelled", at, 3*time.Second, func() { send("\x03") })
	typeLine("print s = strcat('sur', 'vived')")
	at = scr.waitFor("survived", at, time.Hour, nil)

	// Ctrl+D quits with status 0 and the terminal as it was.
	send("\x04")
	select {
	case err := <-exited:
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("prowl repl exited with %v; screen:\n%s", err, scr.text()[at:])
			}
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("prowl repl did not exit on Ctrl+D; screen:\n%s", scr.text()[at:])
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("termios: %v", err)
	}
	if diff := cmp.Diff(*before, *after); diff != "" {
		t.Errorf("terminal settings not restored (-before +after):\n%s", diff)
	}
	if txt := scr.text(); strings.Contains(txt, "query:1") {
		t.Errorf("a query failed on the way:\n%s", txt)
	}

	hist, err := os.ReadFile(filepath.Join(dir, "_prowl", "history"))
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	for _, want := range []string{`print a = 40 + 2,\nb = strcat('mul', 'tiline')`, "DeviceNetworkEvents\\n| project RemotePort | take 0", "print s = strcat('sur', 'vived')"} {
		if !strings.Contains(string(hist), want) {
			t.Errorf("history lacks %q; it holds:\n%s", want, hist)
		}
	}
}
