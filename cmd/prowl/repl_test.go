package main

import (
	"bytes"
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

// ptyProwl is prowl running in a pseudo-terminal.
type ptyProwl struct {
	t       *testing.T
	ptmx    *os.File
	tty     *os.File
	scr     *screen
	at      int // how far the screen has been read
	before  *unix.Termios
	exited  chan error
	stopped bool
}

// startPty runs `prowl args...` in a new pseudo-terminal of 140x50.
func startPty(t *testing.T, args ...string) *ptyProwl {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: 140}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("termios: %v", err)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), execMainEnv+"=1", "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prowl: %v", err)
	}
	p := &ptyProwl{t: t, ptmx: ptmx, tty: tty, before: before, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if !p.stopped {
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	p.scr = newScreen(t, ptmx)
	return p
}

func (p *ptyProwl) send(s string) {
	p.t.Helper()
	if _, err := p.ptmx.Write([]byte(s)); err != nil {
		p.t.Fatalf("type %q: %v", s, err)
	}
}

// waitFor waits for want on the screen after what was already read.
func (p *ptyProwl) waitFor(want string) {
	p.t.Helper()
	p.at = p.scr.waitFor(want, p.at, time.Hour, nil)
}

// typeLine types text, waits for the terminal to show it, and presses
// Enter (a key of its own: typed together, go-prompt takes the newline as
// pasted text).
func (p *ptyProwl) typeLine(text string) {
	p.t.Helper()
	p.send(text)
	p.waitFor(text)
	p.send("\r")
}

// wait waits for prowl to exit, checks it exited 0, and that the terminal
// settings are those it found.
func (p *ptyProwl) wait() {
	p.t.Helper()
	select {
	case err := <-p.exited:
		p.stopped = true
		if err != nil {
			p.t.Fatalf("prowl exited with %v; screen:\n%s", err, p.scr.text()[p.at:])
		}
	case <-time.After(60 * time.Second):
		p.t.Fatalf("prowl did not exit; screen:\n%s", p.scr.text()[p.at:])
	}
	after, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil {
		p.t.Fatalf("termios: %v", err)
	}
	if diff := cmp.Diff(*p.before, *after); diff != "" {
		p.t.Errorf("terminal settings not restored (-before +after):\n%s", diff)
	}
}

func TestReplOnTerminal(t *testing.T) {
	dir := t.TempDir()
	p := startPty(t, "repl", "--data", dir)
	scr, send, typeLine := p.scr, p.send, p.typeLine
	p.waitFor("prowl> ")

	// A multi-line query: the first Enter continues (the line ends with ','),
	// the second runs it.
	typeLine("print a = 40 + 2,")
	typeLine("b = strcat('mul', 'tiline')")
	p.waitFor("multiline")
	p.waitFor("1 row (")

	// Completion: a table name, then a column of that table.
	send("DeviceNetw")
	p.waitFor("DeviceNetworkEvents") // the suggestion shows
	send("\t")
	p.waitFor("DeviceNetworkEvents") // now in the line
	send("\r")                       // a bare table name continues on the next line
	send("| project RemoteP")
	p.waitFor("RemotePort")
	send("\t")
	p.waitFor("RemotePort")
	typeLine(" | take 0")
	p.waitFor("0 rows (")

	// Ctrl+C at the prompt clears the line.
	send("print junk = 1")
	p.waitFor("junk = 1")
	send("\x03")
	p.waitFor("\nprowl> ") // a fresh prompt
	typeLine("print v = strcat('cle', 'ared')")
	p.waitFor("cleared")

	// Ctrl+C during a slow query cancels it and the shell goes on.
	typeLine("range x from 1 to 5000000 step 1 | where tostring(x) matches regex '^(1|2)+3$' | count")
	p.waitFor("running")
	send("\x03")
	p.at = scr.waitFor("query cancelled", p.at, 3*time.Second, func() { send("\x03") })
	typeLine("print s = strcat('sur', 'vived')")
	p.waitFor("survived")

	// Ctrl+D quits with status 0 and the terminal as it was.
	send("\x04")
	p.wait()
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

func TestReplTerminalHistoryChartQuit(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "_prowl"), 0o755); err != nil {
		t.Fatal(err)
	}
	// a multi-line entry from an earlier session
	old := `datatable(App:string, Up:long) ["Dropbox", 80, "Box", 20]\n| render piechart\n`
	if err := os.WriteFile(filepath.Join(dir, "_prowl", "history"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPty(t, "repl", "--data", dir)
	p.waitFor("prowl> ")
	p.send("\x1b[A") // Up: the last entry comes back
	p.waitFor("render piechart")
	p.send("\r")
	p.waitFor("80.0%")
	p.waitFor("2 rows (")
	p.typeLine("#quit")
	p.wait()
}

func TestReplPiped(t *testing.T) {
	dir := t.TempDir()
	in := "DeviceNetworkEvents\n| count\nprint x = strcat('pi', 'ped')\n\nprint y = 1,\n  z = 2\n#quit\nprint never = 1\n"
	code, out, errOut := runProwl(t, in, "repl", "--data", dir)
	if code != 0 {
		t.Fatalf("prowl repl (piped) exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"Count", "piped", "z", "2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never") {
		t.Errorf("ran past #quit:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "_prowl", "history")); err == nil {
		t.Errorf("piped input was written to the history")
	}

	code, out, errOut = runProwl(t, "print ok = 1\nprint bad = \n\nprint after = 2\n", "repl", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "query:") || !strings.Contains(out, "after") {
		t.Errorf("a failing query: exit %d (want 1), stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut = runProwl(t, "", "repl", "--data", dir, "extra"); code != 2 {
		t.Errorf("extra argument: exit %d, stderr %q", code, errOut)
	}
}
