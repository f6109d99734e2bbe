package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// History is the persistent list of entered queries, one per line in a file
// (newlines inside a multi-line query stored as `\n`, backslashes doubled).
// Each entry is appended to the file as it is added, so a crash loses nothing.
type History struct {
	path    string
	max     int
	entries []string
}

// OpenHistory loads the history file at path (a missing file is an empty
// history), keeping the newest max entries (0 means 1000). Its directory is
// created on the first Add.
func OpenHistory(path string, max int) (*History, error) {
	if max <= 0 {
		max = 1000
	}
	h := &History{path: path, max: max}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			h.entries = append(h.entries, unescapeEntry(line))
		}
	}
	if len(h.entries) > max {
		h.entries = append([]string(nil), h.entries[len(h.entries)-max:]...)
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("history %s: %w", path, err)
	}
	return h, nil
}

// Entries returns the entries, oldest first.
func (h *History) Entries() []string { return append([]string(nil), h.entries...) }

// Add records entry (trimmed; empty entries and repeats of the newest entry
// are skipped) and appends it to the file.
func (h *History) Add(entry string) error {
	entry = strings.TrimSpace(entry)
	if entry == "" || len(h.entries) > 0 && h.entries[len(h.entries)-1] == entry {
		return nil
	}
	h.entries = append(h.entries, entry)
	if len(h.entries) > h.max {
		h.entries = h.entries[len(h.entries)-h.max:]
	}
	if h.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := f.WriteString(escapeEntry(entry) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	return nil
}

func escapeEntry(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func unescapeEntry(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
