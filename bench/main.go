package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/schemas"
)

func main() {
	var (
		dataDir   = flag.String("data", "data/10M", "data directory (generated when missing)")
		rows      = flag.Int64("rows", 10_000_000, "rows of DeviceNetworkEvents to generate")
		prowlBin  = flag.String("prowl", "../bin/prowl", "prowl binary used to generate the data")
		rounds    = flag.Int("rounds", 5, "timed rounds per query and engine (after one warm-up)")
		out       = flag.String("out", "RESULTS.md", "results file")
		only      = flag.String("only", "", "comma-separated query names to run (default all)")
		queryDir  = flag.String("queries", "queries", "folder of Qn.kql / Qn.sql pairs")
		duckThr   = flag.Int("threads", 2, "DuckDB threads")
		sqlDir    = flag.String("sql", "", "folder of the SQL twins (default: the -queries folder)")
		genArgs   = flag.String("gen", "", "extra `prowl gen` flags for the dataset, e.g. \"--seed 7 --end 2026-01-01 --devices 50 --users 80\"")
		crossOnly = flag.Bool("check", false, "only compare answers (one run each), no timing table")
		golden    = flag.Bool("golden", false, "use the golden dataset of ../golden_test.go (generated in-process; -rows and -gen are ignored)")
	)
	flag.Parse()
	cfg := config{
		dataDir: *dataDir, rows: *rows, prowlBin: *prowlBin, rounds: *rounds, out: *out, only: *only,
		queryDir: *queryDir, sqlDir: *sqlDir, genArgs: strings.Fields(*genArgs), threads: *duckThr, checkOnly: *crossOnly, golden: *golden,
	}
	if cfg.sqlDir == "" {
		cfg.sqlDir = cfg.queryDir
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	dataDir, prowlBin, out, only, queryDir, sqlDir string
	genArgs                                        []string
	rows                                           int64
	rounds, threads                                int
	checkOnly, golden                              bool
}

func run(cfg config) error {
	dataDir, rows, rounds, threads, checkOnly := cfg.dataDir, cfg.rows, cfg.rounds, cfg.threads, cfg.checkOnly
	ctx := context.Background()
	if cfg.golden {
		if err := ensureGolden(ctx, dataDir); err != nil {
			return err
		}
	} else if err := ensureData(dataDir, rows, cfg.prowlBin, cfg.genArgs); err != nil {
		return err
	}
	queries, err := loadQueries(cfg.queryDir, cfg.sqlDir, cfg.only)
	if err != nil {
		return err
	}
	if len(queries) == 0 {
		return fmt.Errorf("no queries in %s", cfg.queryDir)
	}
	// One clock for both engines, so ago() in KQL and {{NOW}} in SQL cut at the
	// same instant however long the queries take.
	now := time.Now().UTC().Truncate(time.Second)
	db, err := prowl.Open(dataDir, &prowl.Options{Now: func() time.Time { return now }})
	if err != nil {
		return fmt.Errorf("open prowl: %w", err)
	}
	defer db.Close()
	duck, err := openDuck(dataDir, threads)
	if err != nil {
		return err
	}
	defer duck.Close()
	if err := loadMappings(ctx, db, duck); err != nil {
		return err
	}

	day, err := middleDay(duck)
	if err != nil {
		return err
	}
	subst := strings.NewReplacer("{{DAY}}", day, "{{NOW}}", now.Format("2006-01-02 15:04:05+00"))
	var results []result
	for _, q := range queries {
		q.kql = subst.Replace(q.kql)
		q.sql = subst.Replace(q.sql)
		q.exact = subst.Replace(q.exact)
		r, err := measure(ctx, db, duck, q, rounds, checkOnly)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		if checkOnly {
			fmt.Printf("%-18s rows %-7d %s\n", q.name, r.rows, r.verdict)
		} else {
			fmt.Printf("%-4s prowl %8.1f ms  duckdb %8.1f ms  ratio %5.2f  peak %6.1f MiB  rows %d  %s\n",
				q.name, ms(r.prowl), ms(r.duck), r.ratio(), float64(r.peak)/(1<<20), r.rows, r.verdict)
		}
		results = append(results, r)
	}
	if checkOnly {
		var bad []string
		for _, r := range results {
			if !r.equal {
				bad = append(bad, r.name)
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("answers differ on %s", strings.Join(bad, ", "))
		}
		fmt.Printf("all %d queries agree\n", len(results))
		return nil
	}
	cold, err := coldStart(cfg.prowlBin, dataDir, 21)
	if err != nil {
		return err
	}
	fmt.Printf("cold start: `prowl query 'print x=1'` median %.1f ms\n", ms(cold))
	return writeResults(cfg.out, dataDir, rows, threads, rounds, results, cold)
}

// coldStart is the median wall time of n runs of the prowl binary answering a
// one-row query over the data directory: process start, opening the
// directory, parsing, running and printing.
func coldStart(prowlBin, dataDir string, n int) (time.Duration, error) {
	times := make([]time.Duration, n)
	for i := range times {
		cmd := exec.Command(prowlBin, "query", "--data", dataDir, "print x=1")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("cold start: %v: %s", err, out)
		}
		times[i] = time.Since(start)
	}
	return median(times), nil
}

type query struct {
	name, kql, sql string
	exact          string   // optional exact SQL for approximate aggregates (dcount)
	approx         []string // columns compared within a tolerance (a "-- approx: A, B" line in the SQL)
}

func loadQueries(dir, sqlDir, only string) ([]query, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.kql"))
	if err != nil {
		return nil, err
	}
	var want map[string]bool
	if only != "" {
		want = map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			want[strings.TrimSpace(n)] = true
		}
	}
	var qs []query
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		if want != nil && !want[name] {
			continue
		}
		k, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := os.ReadFile(filepath.Join(sqlDir, name+".sql"))
		if err != nil {
			return nil, fmt.Errorf("query %s has no SQL twin: %w", name, err)
		}
		q := query{name: name, kql: strings.TrimSpace(string(k)), sql: strings.TrimSpace(string(s))}
		if e, err := os.ReadFile(filepath.Join(sqlDir, name+".exact.sql")); err == nil {
			q.exact = strings.TrimSpace(string(e))
		}
		q.approx = approxColumns(q.sql)
		qs = append(qs, q)
	}
	slices.SortFunc(qs, func(a, b query) int { return strings.Compare(a.name, b.name) })
	return qs, nil
}

// approxColumns reads the "-- approx: A, B" line of a SQL twin: the columns
// holding approximate counts (dcount), compared within a tolerance.
func approxColumns(sql string) []string {
	for _, line := range strings.Split(sql, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- approx:"); ok {
			var cols []string
			for _, c := range strings.Split(rest, ",") {
				if c = strings.TrimSpace(c); c != "" {
					cols = append(cols, c)
				}
			}
			return cols
		}
	}
	return nil
}

// ensureData generates the dataset with `prowl gen` unless a complete one made
// with the same flags is already there (a marker file records them). The seed
// is 1 unless genArgs say otherwise.
func ensureData(dir string, rows int64, prowlBin string, genArgs []string) error {
	args := []string{"gen", "--out", dir, "--rows", strconv.FormatInt(rows, 10), "--seed", "1", "--compression", "snappy"}
	args = append(args, genArgs...)
	want := strconv.FormatInt(rows, 10)
	if len(genArgs) > 0 {
		want += " " + strings.Join(genArgs, " ")
	}
	marker := filepath.Join(dir, ".bench-rows")
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == want {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Printf("generating %d rows into %s ...\n", rows, dir)
	start := time.Now()
	cmd := exec.Command(prowlBin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("prowl gen: %w", err)
	}
	fmt.Printf("generated in %s\n", time.Since(start).Round(time.Millisecond))
	return os.WriteFile(marker, []byte(want), 0o644)
}

func openDuck(dir string, threads int) (*sql.DB, error) {
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	duck.SetMaxOpenConns(1)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	stmts := []string{fmt.Sprintf("SET threads = %d", threads), "SET TimeZone = 'UTC'"}
	tables, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if !t.IsDir() || strings.HasPrefix(t.Name(), "_") || strings.HasPrefix(t.Name(), ".") {
			continue
		}
		glob := filepath.Join(abs, t.Name(), "date=*", "*.parquet")
		if m, _ := filepath.Glob(glob); len(m) == 0 {
			continue
		}
		// The view lists the columns in the table's schema order (the Parquet
		// files may order them differently), so SELECT * matches prowl's
		// column order; the hive partition column date is left out.
		cols := "* EXCLUDE (date)"
		if sch, ok := schemas.Table(t.Name()); ok {
			names := make([]string, len(sch))
			for i, c := range sch {
				names[i] = `"` + c.Name + `"`
			}
			cols = strings.Join(names, ", ")
		}
		stmts = append(stmts, fmt.Sprintf("CREATE VIEW %s AS SELECT %s FROM read_parquet('%s', hive_partitioning = true)", t.Name(), cols, glob))
	}
	for _, s := range stmts {
		if _, err := duck.Exec(s); err != nil {
			return nil, fmt.Errorf("duckdb %q: %w", s, err)
		}
	}
	return duck, nil
}

// middleDay picks a day in the middle of the data for the pruning query.
func middleDay(duck *sql.DB) (string, error) {
	var lo, hi time.Time
	if err := duck.QueryRow("SELECT min(Timestamp)::TIMESTAMP, max(Timestamp)::TIMESTAMP FROM DeviceNetworkEvents").Scan(&lo, &hi); err != nil {
		return "", fmt.Errorf("time range: %w", err)
	}
	mid := lo.Add(hi.Sub(lo) / 2).UTC()
	return mid.Format("2006-01-02"), nil
}

type result struct {
	name        string
	prowl, duck time.Duration
	peak        uint64
	rows        int
	equal       bool
	verdict     string
}

func (r result) ratio() float64 {
	if r.duck == 0 {
		return 0
	}
	return float64(r.prowl) / float64(r.duck)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func measure(ctx context.Context, db *prowl.DB, duck *sql.DB, q query, rounds int, checkOnly bool) (result, error) {
	r := result{name: q.name}
	// Warm-up round, which also checks the answers.
	pa, err := runProwl(ctx, db, q.kql)
	if err != nil {
		return r, fmt.Errorf("prowl: %w", err)
	}
	da, err := runDuck(duck, q.sql)
	if err != nil {
		return r, fmt.Errorf("duckdb: %w", err)
	}
	if q.exact != "" {
		if da, err = runDuck(duck, q.exact); err != nil {
			return r, fmt.Errorf("duckdb exact: %w", err)
		}
		r.equal, r.verdict = compareApprox(pa, da, []int{len(pa.cols) - 1}, 0.02)
	} else if len(q.approx) > 0 {
		idx, err := columnIndices(pa, q.approx)
		if err != nil {
			return r, err
		}
		r.equal, r.verdict = compareApprox(pa, da, idx, 0.02)
	} else {
		r.equal, r.verdict = compareExact(pa, da)
	}
	r.rows = pa.rows
	if checkOnly {
		return r, nil
	}
	var pt, dt []time.Duration
	for i := 0; i < rounds; i++ {
		runtime.GC()
		stopPeak := watchPeak()
		start := time.Now()
		if err := drainProwl(ctx, db, q.kql); err != nil {
			return r, err
		}
		pt = append(pt, time.Since(start))
		r.peak = max(r.peak, stopPeak())
		start = time.Now()
		if err := drainDuck(duck, q.sql); err != nil {
			return r, err
		}
		dt = append(dt, time.Since(start))
	}
	r.prowl, r.duck = median(pt), median(dt)
	return r, nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// watchPeak samples the Go heap every millisecond until the returned function is
// called, which returns the peak seen.
func watchPeak() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

func writeResults(path, dataDir string, rows int64, threads, rounds int, rs []result, cold time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results: prowl vs DuckDB\n\n")
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %s RAM, %s\n", cpuModel(), runtime.NumCPU(), memTotal(), runtime.Version())
	fmt.Fprintf(&b, "- Data: %d rows of DeviceNetworkEvents (`prowl gen --seed 1`, snappy Parquet, %s on disk)\n", rows, diskSize(dataDir))
	fmt.Fprintf(&b, "- DuckDB: duckdb-go v2.10506.0, %d threads, views over `read_parquet(..., hive_partitioning=true)`\n", threads)
	fmt.Fprintf(&b, "- Method: one warm-up run per engine (which also checks the answers), then %d alternating rounds; median wall time of each\n\n", rounds)
	fmt.Fprintf(&b, "| query | prowl ms | DuckDB ms | prowl/DuckDB | prowl peak heap MiB | rows | answers |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		mark := ""
		if r.ratio() <= 1.0 {
			mark = " ✓"
		}
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.2f%s | %.1f | %d | %s |\n", r.name, ms(r.prowl), ms(r.duck), r.ratio(), mark, float64(r.peak)/(1<<20), r.rows, r.verdict)
	}
	b.WriteString("\n✓ marks a ratio ≤ 1.0 (prowl at least as fast as DuckDB).\n")
	fmt.Fprintf(&b, "\nCold start: `prowl query --data DIR 'print x=1'` (process start to the printed answer), median of 21 runs: %.1f ms (target < 50 ms).\n", ms(cold))
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return fmt.Sprintf("%.0f GiB", kb/(1<<20))
		}
	}
	return "?"
}

func diskSize(dir string) string {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return fmt.Sprintf("%.0f MB", float64(total)/1e6)
}
