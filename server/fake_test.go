package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// fakeEngine answers a small set of query texts with Arrow results built here,
// standing in for prowl.DB:
//
//	alltypes          one row of every Kusto type, a row of nulls, specials
//	range N [B]       N rows (n long, s string dictionary-encoded), B rows a batch
//	fail after N      N rows, then an error
//	block             waits for its context to end
//	params            the query parameters as rows (name, value)
//	render            a row with a render hint
//	<anything else>   a syntax error at line 1, column 7
type fakeEngine struct {
	mu       sync.Mutex
	commands []string
	ingested []string
	running  atomic.Int32
	peak     atomic.Int32
	hold     chan struct{} // when set, queries wait on it (concurrency tests)
	gate     chan struct{} // when set, "range" batches after the first wait on it
}

var allTypesSchema = kusto.Schema{
	{Name: "b", Type: kusto.Bool},
	{Name: "i", Type: kusto.Int},
	{Name: "l", Type: kusto.Long},
	{Name: "r", Type: kusto.Real},
	{Name: "d", Type: kusto.Decimal},
	{Name: "s", Type: kusto.String},
	{Name: "dt", Type: kusto.DateTime},
	{Name: "ts", Type: kusto.TimeSpan},
	{Name: "g", Type: kusto.Guid},
	{Name: "dyn", Type: kusto.Dynamic},
}

var (
	testTime = time.Date(2024, 2, 29, 23, 59, 59, 123456700, time.UTC)
	testSpan = 26*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond
	testGUID = "123e27de-1e4e-49d9-b579-fe0b331d3642"
)

func buildAllTypes() arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, karrow.Schema(allTypesSchema))
	defer b.Release()
	dec, _ := decimal128.FromString("12.5", 38, 18)
	// Row 0: ordinary values.
	b.Field(0).(*array.BooleanBuilder).Append(true)
	b.Field(1).(*array.Int32Builder).Append(-42)
	b.Field(2).(*array.Int64Builder).Append(math.MaxInt64)
	b.Field(3).(*array.Float64Builder).Append(0.25)
	b.Field(4).(*array.Decimal128Builder).Append(dec)
	b.Field(5).(*array.StringBuilder).Append("hé \"quoted\"\nline")
	b.Field(6).(*array.TimestampBuilder).Append(arrow.Timestamp(testTime.UnixNano()))
	b.Field(7).(*array.DurationBuilder).Append(arrow.Duration(testSpan))
	b.Field(8).(*array.StringBuilder).Append(testGUID)
	b.Field(9).(*array.StringBuilder).Append(`{"a": [1, 2], "b": "x"}`)
	// Row 1: nulls.
	for i := range allTypesSchema {
		b.Field(i).AppendNull()
	}
	// Row 2: specials.
	b.Field(0).(*array.BooleanBuilder).Append(false)
	b.Field(1).(*array.Int32Builder).Append(math.MinInt32)
	b.Field(2).(*array.Int64Builder).Append(math.MinInt64)
	b.Field(3).(*array.Float64Builder).Append(math.NaN())
	b.Field(4).(*array.Decimal128Builder).AppendNull()
	b.Field(5).(*array.StringBuilder).Append("")
	b.Field(6).(*array.TimestampBuilder).Append(0)
	b.Field(7).(*array.DurationBuilder).Append(arrow.Duration(-1500 * time.Millisecond))
	b.Field(8).(*array.StringBuilder).Append("")
	b.Field(9).(*array.StringBuilder).Append(`[]`)
	// Row 3: infinities.
	b.Field(0).AppendNull()
	b.Field(1).AppendNull()
	b.Field(2).AppendNull()
	b.Field(3).(*array.Float64Builder).Append(math.Inf(1))
	b.Field(4).AppendNull()
	b.Field(5).(*array.StringBuilder).Append("x")
	b.Field(6).AppendNull()
	b.Field(7).AppendNull()
	b.Field(8).AppendNull()
	b.Field(9).(*array.StringBuilder).Append(`"str"`)
	return b.NewRecordBatch()
}

var rangeSchema = kusto.Schema{{Name: "n", Type: kusto.Long}, {Name: "s", Type: kusto.String}}

// genReader makes batches of the range query on demand, so big results never
// sit in memory whole; after failAfter rows (when >= 0) it fails.
type genReader struct {
	ctx       context.Context
	schema    *arrow.Schema
	total     int64
	batch     int64
	next      int64
	failAfter int64
	block     bool
	gate      chan struct{} // when set, batches after the first wait for it
	cur       arrow.RecordBatch
	err       error
	refs      atomic.Int64
}

func newGenReader(ctx context.Context, total, batch, failAfter int64) *genReader {
	g := &genReader{ctx: ctx, schema: karrow.Schema(rangeSchema), total: total, batch: batch, failAfter: failAfter}
	g.refs.Store(1)
	return g
}

func (g *genReader) Retain() { g.refs.Add(1) }
func (g *genReader) Release() {
	if g.refs.Add(-1) == 0 && g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
}
func (g *genReader) Schema() *arrow.Schema          { return g.schema }
func (g *genReader) RecordBatch() arrow.RecordBatch { return g.cur }
func (g *genReader) Record() arrow.RecordBatch      { return g.cur }
func (g *genReader) Err() error                     { return g.err }

func (g *genReader) Next() bool {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	if g.block {
		<-g.ctx.Done()
		g.err = fmt.Errorf("scan: %w", g.ctx.Err())
		return false
	}
	if g.gate != nil && g.next > 0 {
		select {
		case <-g.gate:
		case <-g.ctx.Done():
		}
	}
	if err := g.ctx.Err(); err != nil {
		g.err = err
		return false
	}
	if g.failAfter >= 0 && g.next >= g.failAfter {
		g.err = errors.New("scan DeviceNetworkEvents/date=2024-01-01/a.parquet: corrupt page")
		return false
	}
	if g.next >= g.total {
		return false
	}
	n := min(g.batch, g.total-g.next)
	if g.failAfter >= 0 {
		n = min(n, g.failAfter-g.next)
	}
	mem := memory.DefaultAllocator
	lb := array.NewInt64Builder(mem)
	defer lb.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	sb := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer sb.Release()
	for i := g.next; i < g.next+n; i++ {
		lb.Append(i)
		sb.AppendString("v" + strconv.FormatInt(i%7, 10))
	}
	l, s := lb.NewArray(), sb.NewArray()
	defer l.Release()
	defer s.Release()
	fields := g.schema.Fields()
	fields[1].Type = dt
	g.cur = array.NewRecordBatch(arrow.NewSchema(fields, nil), []arrow.Array{l, s}, n)
	g.next += n
	return true
}

func (f *fakeEngine) Query(ctx context.Context, text string, p prowl.Params) (*prowl.Result, error) {
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		peak := f.peak.Load()
		if n <= peak || f.peak.CompareAndSwap(peak, n) {
			break
		}
	}
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	// Clients send parameters' declarations ahead of the query text; set
	// statements may lead too.
	for strings.HasPrefix(text, "declare query_parameters(") || strings.HasPrefix(text, "set ") {
		i := strings.Index(text, ";")
		if i < 0 {
			break
		}
		text = strings.TrimSpace(text[i+1:])
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, lang.ErrorList{{Pos: ast.Pos{Line: 1, Col: 1}, Msg: "empty query"}}
	}
	switch words[0] {
	case "alltypes":
		rec := buildAllTypes()
		defer rec.Release()
		rdr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
		if err != nil {
			return nil, err
		}
		return &prowl.Result{Columns: allTypesSchema, Reader: rdr}, nil
	case "range":
		total, _ := strconv.ParseInt(words[1], 10, 64)
		batch := int64(8192)
		if len(words) > 2 {
			batch, _ = strconv.ParseInt(words[2], 10, 64)
		}
		g := newGenReader(ctx, total, batch, -1)
		g.gate = f.gate
		return &prowl.Result{Columns: rangeSchema, Reader: g, Stats: &prowl.Stats{RowsScanned: total}}, nil
	case "fail":
		after, _ := strconv.ParseInt(words[2], 10, 64)
		return &prowl.Result{Columns: rangeSchema, Reader: newGenReader(ctx, after+100, 1000, after)}, nil
	case "block":
		g := newGenReader(ctx, 10, 10, -1)
		g.block = true
		return &prowl.Result{Columns: rangeSchema, Reader: g}, nil
	case "panic":
		var m map[string]int
		m["boom"]++ // a nil map write, as an engine bug would
		return nil, nil
	case "params":
		return stringTable(p), nil
	case "render":
		res := stringTable(prowl.Params{"k": "v"})
		res.Render = &prowl.Render{Kind: "timechart", Props: map[string]string{"title": "Bytes out"}}
		return res, nil
	}
	return nil, lang.ErrorList{{Pos: ast.Pos{Line: 1, Col: 7}, Msg: fmt.Sprintf("unexpected token %q, expected a tabular operator", words[len(words)-1])}}
}

func (f *fakeEngine) Exec(ctx context.Context, text string) (*prowl.Result, error) {
	f.mu.Lock()
	f.commands = append(f.commands, text)
	f.mu.Unlock()
	switch {
	case strings.HasPrefix(text, ".show tables"):
		return stringTable(prowl.Params{"DeviceNetworkEvents": "table"}), nil
	case strings.HasPrefix(text, ".unsanction app"):
		res := stringTable(prowl.Params{"Dropbox": "Unsanctioned"})
		res.Messages = []string{"tagged Dropbox Unsanctioned"}
		return res, nil
	}
	return nil, lang.ErrorList{{Pos: ast.Pos{Line: 1, Col: 2}, Msg: "unknown command"}}
}

func (f *fakeEngine) Ingest(ctx context.Context, table, format string, body io.Reader) (IngestResult, error) {
	sc := bufio.NewScanner(body)
	var res IngestResult
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case format == "ndjson" && !strings.HasPrefix(line, "{"):
			res.Rejected++
		default:
			res.Accepted++
			f.mu.Lock()
			f.ingested = append(f.ingested, table+":"+format+":"+line)
			f.mu.Unlock()
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// stringTable is a two-column (name, value) result of m, sorted by name.
func stringTable(m prowl.Params) *prowl.Result {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sortStrings(names)
	cols := kusto.Schema{{Name: "Name", Type: kusto.String}, {Name: "Value", Type: kusto.String}}
	b := array.NewRecordBuilder(memory.DefaultAllocator, karrow.Schema(cols))
	defer b.Release()
	for _, k := range names {
		b.Field(0).(*array.StringBuilder).Append(k)
		b.Field(1).(*array.StringBuilder).Append(m[k])
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rdr, _ := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	return &prowl.Result{Columns: cols, Reader: rdr}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
