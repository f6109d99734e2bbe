package storage

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/schemas"
)

const crashEnv = "PROWL_STORAGE_CRASH_DIR"

// TestMain lets the crash test re-execute this binary as a writer process.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashWriter(dir)
		return
	}
	os.Exit(m.Run())
}

// crashWriter commits batches of 2000 rows forever, printing the total after
// each acknowledged commit, until it is killed.
func crashWriter(dir string) {
	cat, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	s, _ := schemas.Table("DeviceNetworkEvents")
	var total int64
	for i := 0; ; i++ {
		rec := synth(s, 2000, day0.Add(time.Duration(i)*time.Hour), time.Second, uint64(i))
		w, err := cat.NewWriter("DeviceNetworkEvents", WriterOptions{RowGroupRows: 500})
		if err == nil {
			err = w.Write(rec)
		}
		if err == nil {
			_, err = w.Commit()
		}
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		rec.Release()
		total += 2000
		fmt.Println("acked", total)
	}
}

func TestCrashLosesOnlyUnacknowledged(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var base int64 // rows visible before this run
	for run := 0; run < 3; run++ {
		var acked int64 // rows this run's writer acknowledged
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		lines := 0
		deadline := time.Now().Add(20 * time.Second)
		for sc.Scan() && lines < 3+run && time.Now().Before(deadline) {
			line := sc.Text()
			if strings.HasPrefix(line, "error") {
				t.Fatal(line)
			}
			if v, ok := strings.CutPrefix(line, "acked "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				acked = max(acked, n)
				lines++
			}
		}
		// kill in the middle of the next write or commit
		time.Sleep(time.Duration(5+run*7) * time.Millisecond)
		cmd.Process.Kill()
		for sc.Scan() { // lines printed before the kill
			if v, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				acked = max(acked, n)
			}
		}
		cmd.Wait()

		cat, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		// every visible file must read completely
		s, err := cat.Scan(context.Background(), ScanSpec{Table: "DeviceNetworkEvents"})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		err = s.Run(context.Background(), 2, func(int, arrow.RecordBatch) error { return nil })
		rows := s.Stats().Rows
		s.Close()
		if err != nil {
			t.Fatalf("run %d: reading after crash: %v", run, err)
		}
		// Every acknowledged row is there, plus at most the one commit in
		// flight at the kill.
		if rows < base+acked || rows > base+acked+2000 {
			t.Fatalf("run %d: %d rows visible, %d before the run, %d acknowledged", run, rows, base, acked)
		}
		base = rows
	}
}
