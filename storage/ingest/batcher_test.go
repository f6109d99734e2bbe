package ingest

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// fakeClock runs AfterFunc callbacks when Advance passes their time.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// Advance moves time forward and runs the timers that fall due, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.stopped && !t.at.After(c.now) {
			t.stopped = true
			due = append(due, t)
		} else if !t.stopped {
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		t.f()
	}
}

// pipe feeds an importer line by line, as a streaming source would.
type pipe struct {
	mu      sync.Mutex
	commits []int // rows per commit
}

func (p *pipe) commit(table string, rec arrow.RecordBatch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.commits = append(p.commits, int(rec.NumRows()))
	return nil
}

func (p *pipe) got() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.commits...)
}

func TestBatcherCadence(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	p := &pipe{}
	pr, pw := io.Pipe()
	im := NewImporter(p.commit, Options{Table: "DeviceInfo", Format: FormatNDJSON, Clock: clock,
		Policy: Policy{MaxRows: 4, MaxBytes: 4 << 20, MaxWait: time.Hour}})
	done := make(chan error, 1)
	go func() { done <- im.Import(context.Background(), pr, "-") }()
	line := func(i int) {
		fmt.Fprintf(pw, "{\"Timestamp\":%d,\"DeviceName\":\"d%d\"}\n", 1793606400+i, i)
	}
	// wait until the importer has taken n rows.
	wait := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			total := int64(0)
			for _, c := range p.got() {
				total += int64(c)
			}
			b := im.batchers["DeviceInfo"]
			if b != nil {
				r, _ := b.Pending()
				total += int64(r)
			}
			if total >= n {
				return
			}
		}
		t.Fatalf("importer did not take %d rows", n)
	}
	for i := 0; i < 4; i++ {
		line(i)
	}
	wait(4)
	if got := p.got(); len(got) != 1 || got[0] != 4 {
		t.Fatalf("after 4 rows: commits %v, want [4] (row limit)", got)
	}
	line(4)
	line(5)
	wait(6)
	clock.Advance(59 * time.Minute)
	if got := p.got(); len(got) != 1 {
		t.Fatalf("after 59 min: commits %v, want no time commit yet", got)
	}
	clock.Advance(time.Minute)
	if got := p.got(); len(got) != 2 || got[1] != 2 {
		t.Fatalf("after 1 h: commits %v, want [4 2] (time limit)", got)
	}
	// A stale timer of a batch that was already committed does nothing.
	line(6)
	wait(7)
	clock.Advance(2 * time.Hour)
	if got := p.got(); len(got) != 3 || got[2] != 1 {
		t.Fatalf("commits %v, want [4 2 1]", got)
	}
	clock.Advance(2 * time.Hour)
	if got := p.got(); len(got) != 3 {
		t.Fatalf("idle timer committed again: %v", got)
	}
	line(7)
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sum, err := im.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.got(); len(got) != 4 || got[3] != 1 || sum.Accepted != 8 || sum.Batches != 4 {
		t.Fatalf("commits %v, summary %+v", got, sum)
	}
}

func TestBatcherBytes(t *testing.T) {
	p := &pipe{}
	var b strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "{\"Timestamp\":%d,\"DeviceName\":\"%s\"}\n", 1793606400+i, strings.Repeat("x", 1000))
	}
	_, err := Import(context.Background(), strings.NewReader(b.String()), "x", p.commit,
		Options{Table: "DeviceInfo", Policy: Policy{MaxRows: 1000, MaxBytes: 3000}})
	if err != nil {
		t.Fatal(err)
	}
	// Each row is a little over 1000 bytes: a commit every 3 rows, then the rest.
	if got := p.got(); fmt.Sprint(got) != "[3 3 3 1]" {
		t.Errorf("commits %v, want [3 3 3 1]", got)
	}
}

func TestStreamPolicyDefaults(t *testing.T) {
	if StreamPolicy.MaxRows != 4000 || StreamPolicy.MaxBytes != 4<<20 || StreamPolicy.MaxWait != time.Hour {
		t.Errorf("StreamPolicy = %+v", StreamPolicy)
	}
}
