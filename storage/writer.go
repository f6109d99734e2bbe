package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/kusto/kparquet"
)

// Codec is a Parquet compression codec the writer can use.
type Codec uint8

// The writer's codecs. Zstd is the default.
const (
	Zstd Codec = iota
	Snappy
	Gzip
	Uncompressed
)

// DefaultRowGroupRows is the default number of rows per row group.
const DefaultRowGroupRows = 1 << 20

// WriterOptions configure a Writer. The zero value is the default.
type WriterOptions struct {
	Codec Codec
	// RowGroupRows is the number of rows per row group (default DefaultRowGroupRows).
	RowGroupRows int
	// BloomColumns overrides which string/int columns get bloom filters; nil
	// means DefaultBloomColumn decides.
	BloomColumns []string
	// DictionaryMaxBytes caps a column chunk's dictionary; past it the chunk
	// falls back to plain encoding (default 8 MiB).
	DictionaryMaxBytes int64
	// PageBytes is the target size of a data page before encoding (default 1 MiB).
	PageBytes int
}

// DefaultBloomColumn reports whether a column gets a bloom filter by default:
// the high-value lookup columns of hunting queries.
func DefaultBloomColumn(name string) bool {
	switch name {
	case "RemoteUrl", "DeviceId", "DeviceName", "RemoteIP", "InitiatingProcessFileName", "FileName",
		"RemoteDeviceName", "LocalIP", "PublicIP", "MacAddress":
		return true
	}
	for _, suf := range []string{"AccountName", "AccountUpn", "AccountSid", "SHA1", "SHA256", "MD5"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// CommitInfo describes a successful commit.
type CommitInfo struct {
	Files []string // final paths of the new files
	Rows  int64
}

// Writer appends rows to a table. It is not safe for concurrent use; several
// writers (in one or several processes) may write the same table.
type Writer struct {
	cat     *Catalog
	table   string
	opts    WriterOptions
	base    kusto.Schema // table schema known at NewWriter
	schema  kusto.Schema // write schema, fixed by the first batch
	tsCol   int          // index of Timestamp in schema, -1 if none
	dict    []bool       // per schema column: dictionary-encode
	days    map[int64]*dayFile
	keys    []int64           // day keys in creation order
	err     error             // sticky
	valBufs [][]parquet.Value // one per column worker
	dicts   []dictCache       // per schema column: leveled values of the last Arrow dictionary
	// spare holds Parquet writers of committed files, reused (Reset) for new
	// files: their column buffers and dictionary hash tables are already
	// grown, which saves most of the per-file setup cost of many day files.
	spare []*parquet.Writer
	// targetDir, when set (compaction), receives every file directly and
	// Commit neither locks the table nor refreshes the catalog.
	targetDir string
}

const noDay = int64(-1 << 62)

// maxSpareWriters bounds the Parquet writers kept for reuse (each holds a
// page buffer per column).
const maxSpareWriters = 2

type dayFile struct {
	day     int64 // days since epoch, or noDay
	tmp     string
	f       *os.File
	pw      *parquet.Writer
	leaf    []int // schema column → parquet leaf
	rows    int64
	rgRows  int64
	written int64
}

// NewWriter starts writing to table, creating it on first commit if needed.
func (c *Catalog) NewWriter(table string, opts WriterOptions) (*Writer, error) {
	if !validTableName(table) {
		return nil, fmt.Errorf("new writer: invalid table name %q", table)
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	if opts.DictionaryMaxBytes <= 0 {
		opts.DictionaryMaxBytes = 8 << 20
	}
	if opts.PageBytes <= 0 {
		opts.PageBytes = 1 << 20
	}
	base, _ := c.Table(table)
	return &Writer{cat: c, table: table, opts: opts, base: base, tsCol: -1, days: map[int64]*dayFile{}}, nil
}

func (w *Writer) tableDir() string { return filepath.Join(w.cat.dir, w.table) }

// Write adds the rows of rec. Columns are matched by name; columns of the table
// missing from rec are written as null ("" for strings); columns unknown to the
// table extend it. Rows go to the day folder of their Timestamp.
func (w *Writer) Write(rec arrow.RecordBatch) error {
	if w.err != nil {
		return w.err
	}
	if err := w.write(rec); err != nil {
		w.err = fmt.Errorf("write %s: %w", w.table, err)
		return w.err
	}
	return nil
}

func (w *Writer) write(rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if w.schema == nil {
		w.initSchema(rec)
	}
	// map schema columns to record columns
	src := make([]arrow.Array, len(w.schema))
	for i, f := range rec.Schema().Fields() {
		j := w.schema.Index(f.Name)
		if j < 0 {
			return fmt.Errorf("column %q is not in the table schema (new columns must appear in the first batch)", f.Name)
		}
		if err := checkArrowType(w.schema[j], f.Type); err != nil {
			return err
		}
		src[j] = rec.Column(i)
	}
	n := int(rec.NumRows())
	if w.tsCol < 0 {
		return w.writeRows(noDay, src, nil, n)
	}
	ts, ok := src[w.tsCol].(*array.Timestamp)
	if !ok {
		return fmt.Errorf("column %s is missing: rows cannot be placed in day folders", TimestampColumn)
	}
	mult := karrow.UnitNanos(ts.DataType().(*arrow.TimestampType).Unit)
	dayOf := func(i int) int64 {
		return floorDiv(int64(ts.Value(i))*mult, 86400e9)
	}
	if ts.NullN() > 0 {
		for i := 0; i < n; i++ {
			if ts.IsNull(i) {
				return fmt.Errorf("row %d: null %s: rows cannot be placed in a day folder", i, TimestampColumn)
			}
		}
	}
	first := dayOf(0)
	same := true
	for i := 1; i < n; i++ {
		if dayOf(i) != first {
			same = false
			break
		}
	}
	if same {
		return w.writeRows(first, src, nil, n)
	}
	byDay := map[int64][]int32{}
	for i := 0; i < n; i++ {
		d := dayOf(i)
		byDay[d] = append(byDay[d], int32(i))
	}
	keys := make([]int64, 0, len(byDay))
	for k := range byDay {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	for _, d := range keys {
		if err := w.writeRows(d, src, byDay[d], len(byDay[d])); err != nil {
			return err
		}
	}
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func (w *Writer) initSchema(rec arrow.RecordBatch) {
	w.schema = append(kusto.Schema(nil), w.base...)
	for _, f := range rec.Schema().Fields() {
		if w.schema.Index(f.Name) < 0 {
			w.schema = append(w.schema, karrow.Column(f))
		}
	}
	if i := w.schema.Index(TimestampColumn); i >= 0 && w.schema[i].Type == kusto.DateTime {
		w.tsCol = i
	}
	// Dictionary-encode strings unless the first batch shows them to be
	// mostly distinct (command lines, JSON blobs).
	w.dict = make([]bool, len(w.schema))
	n := int(rec.NumRows())
	for i, col := range w.schema {
		if !isStringType(col.Type) {
			continue
		}
		w.dict[i] = true
		j := rec.Schema().FieldIndices(col.Name)
		if len(j) == 0 || n < 1000 {
			continue
		}
		a := rec.Column(j[0])
		if a.DataType().ID() == arrow.DICTIONARY {
			continue
		}
		sa, ok := a.(*array.String)
		if !ok {
			continue
		}
		m := min(n, 10000)
		seen := make(map[string]struct{}, m)
		for r := 0; r < m; r++ {
			seen[sa.Value(r)] = struct{}{}
		}
		if len(seen) > m/2 {
			w.dict[i] = false
		}
	}
}

func checkArrowType(col kusto.Column, dt arrow.DataType) error {
	ok := false
	switch col.Type {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		switch dt.ID() {
		case arrow.STRING:
			ok = true
		case arrow.DICTIONARY:
			ok = dt.(*arrow.DictionaryType).ValueType.ID() == arrow.STRING
		}
	case kusto.DateTime:
		ok = dt.ID() == arrow.TIMESTAMP
	case kusto.TimeSpan:
		ok = dt.ID() == arrow.DURATION && dt.(*arrow.DurationType).Unit == arrow.Nanosecond
	case kusto.Long:
		ok = dt.ID() == arrow.INT64 || dt.ID() == arrow.INT32
	case kusto.Int:
		ok = dt.ID() == arrow.INT32
	case kusto.Real:
		ok = dt.ID() == arrow.FLOAT64
	case kusto.Bool:
		ok = dt.ID() == arrow.BOOL
	}
	if !ok {
		return fmt.Errorf("column %s: Arrow type %s cannot be written as %s", col.Name, dt, col.Type)
	}
	return nil
}

func (w *Writer) parquetSchema() *parquet.Schema {
	g := parquet.Group{}
	for i, col := range w.schema {
		var node parquet.Node
		switch col.Type {
		case kusto.Bool:
			node = parquet.Optional(parquet.Leaf(parquet.BooleanType))
		case kusto.Int:
			node = parquet.Optional(parquet.Int(32))
		case kusto.Long, kusto.TimeSpan:
			// DELTA_BINARY_PACKED rather than PLAIN: counters, ids and
			// durations pack into far fewer bytes, which the codec then
			// need not decompress (scans of generated data read ~1.5x as
			// many rows per CPU-second), for no more write CPU.
			node = parquet.Optional(parquet.Encoded(parquet.Int(64), &parquet.DeltaBinaryPacked))
		case kusto.Real:
			node = parquet.Optional(parquet.Leaf(parquet.DoubleType))
		case kusto.DateTime:
			// time-ordered: deltas are small (see Long)
			node = parquet.Optional(parquet.Encoded(parquet.TimestampAdjusted(parquet.Nanosecond, true), &parquet.DeltaBinaryPacked))
		default: // string, guid, dynamic (decimal is rejected earlier)
			node = parquet.String()
			if w.dict[i] {
				node = parquet.Encoded(node, &parquet.RLEDictionary)
			}
		}
		g[col.Name] = node
	}
	return parquet.NewSchema(w.table, g)
}

func (w *Writer) codec() compress.Codec {
	switch w.opts.Codec {
	case Snappy:
		return &parquet.Snappy
	case Gzip:
		return &parquet.Gzip
	case Uncompressed:
		return &parquet.Uncompressed
	}
	return zstdFast
}

// zstdFast is shared so that its encoder pool is reused across writers; the
// fastest level costs about half the CPU of the default for slightly larger files.
var zstdFast = &zstd.Codec{Level: zstd.SpeedFastest}

func (w *Writer) openDay(day int64) (*dayFile, error) {
	for _, col := range w.schema {
		if col.Type == kusto.Decimal || col.Type == kusto.Invalid {
			return nil, fmt.Errorf("column %s: type %s cannot be stored", col.Name, col.Type)
		}
	}
	tmpDir := filepath.Join(w.tableDir(), ".tmp")
	if w.targetDir != "" {
		tmpDir = w.targetDir
	}
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return nil, err
	}
	tmp := filepath.Join(tmpDir, ".part-"+randomHex(8)+".parquet")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	sch := w.parquetSchema()
	var blooms []parquet.BloomFilterColumn
	var skipBounds []parquet.WriterOption
	for _, col := range w.schema {
		if !(isStringType(col.Type) || col.Type == kusto.Int || col.Type == kusto.Long) {
			continue
		}
		want := DefaultBloomColumn(col.Name)
		if w.opts.BloomColumns != nil {
			want = false
			for _, b := range w.opts.BloomColumns {
				want = want || b == col.Name
			}
		}
		if want {
			blooms = append(blooms, parquet.SplitBlockFilter(10, col.Name))
		} else if isStringType(col.Type) {
			// min/max of free-text columns (command lines, JSON) prune
			// nothing and cost a string comparison per value
			skipBounds = append(skipBounds, parquet.SkipPageBounds(col.Name))
		}
	}
	var decl []string
	for _, col := range w.schema {
		decl = append(decl, col.Name+":"+col.Type.String())
	}
	options := []parquet.WriterOption{
		sch,
		parquet.Compression(w.codec()),
		parquet.KeyValueMetadata(schemaMetadataKey, strings.Join(decl, ",")),
		parquet.DictionaryMaxBytes(w.opts.DictionaryMaxBytes),
		parquet.CreatedBy("prowl", "0", ""),
		parquet.PageBufferSize(w.opts.PageBytes),
	}
	if len(blooms) > 0 {
		options = append(options, parquet.BloomFilters(blooms...))
	}
	options = append(options, skipBounds...)
	var pw *parquet.Writer
	if n := len(w.spare); n > 0 {
		pw, w.spare = w.spare[n-1], w.spare[:n-1]
		pw.Reset(f)
	} else {
		pw = parquet.NewWriter(f, options...)
	}
	df := &dayFile{day: day, tmp: tmp, f: f, pw: pw, leaf: make([]int, len(w.schema))}
	for i, col := range w.schema {
		lc, ok := sch.Lookup(col.Name)
		if !ok {
			f.Close()
			os.Remove(tmp)
			return nil, fmt.Errorf("column %s missing from Parquet schema", col.Name)
		}
		df.leaf[i] = lc.ColumnIndex
	}
	return df, nil
}

func (w *Writer) writeRows(day int64, src []arrow.Array, rows []int32, n int) error {
	df := w.days[day]
	if df == nil {
		var err error
		if df, err = w.openDay(day); err != nil {
			return err
		}
		w.days[day] = df
		w.keys = append(w.keys, day)
	}
	// Respect row group size: split the rows at the boundary.
	for off := 0; off < n; {
		k := min(n-off, int(int64(w.opts.RowGroupRows)-df.rgRows))
		var sub []int32
		if rows != nil {
			sub = rows[off : off+k]
		}
		if err := w.writeChunk(df, src, sub, off, k, rows == nil); err != nil {
			return err
		}
		df.rgRows += int64(k)
		df.rows += int64(k)
		off += k
		if df.rgRows >= int64(w.opts.RowGroupRows) {
			if err := df.pw.Flush(); err != nil {
				return err
			}
			df.rgRows = 0
		}
	}
	return nil
}

// writeChunk writes k rows: rows[i] of src when rows != nil, else src rows
// [start, start+k). Columns are encoded and compressed in parallel: each
// parquet-go ColumnWriter is independent until the row group is flushed.
func (w *Writer) writeChunk(df *dayFile, src []arrow.Array, rows []int32, start, k int, contiguous bool) error {
	cws := df.pw.ColumnWriters()
	workers := 1
	if k*len(w.schema) >= 1<<16 {
		workers = min(runtime.GOMAXPROCS(0), len(w.schema))
	}
	for len(w.valBufs) < workers {
		w.valBufs = append(w.valBufs, make([]parquet.Value, valStep))
	}
	if len(w.dicts) < len(w.schema) {
		w.dicts = append(w.dicts, make([]dictCache, len(w.schema)-len(w.dicts))...)
	}
	if !contiguous {
		start = 0
	} else {
		rows = nil
	}
	errs := make([]error, len(w.schema))
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func(buf []parquet.Value) {
			defer wg.Done()
			for {
				ci := int(next.Add(1)) - 1
				if ci >= len(w.schema) {
					return
				}
				col := w.schema[ci]
				leaf := df.leaf[ci]
				var pre []parquet.Value
				if d, ok := src[ci].(*array.Dictionary); ok {
					pre = w.dicts[ci].values(d, leaf, k)
				}
				for off := 0; off < k; off += valStep {
					m := min(valStep, k-off)
					var sel []int32
					if rows != nil {
						sel = rows[off : off+m]
					}
					var vals []parquet.Value
					if pre != nil {
						vals = fillFromDict(buf[:m], pre, src[ci].(*array.Dictionary), sel, start+off)
					} else {
						vals = kparquet.FillValues(buf[:m], col.Type, src[ci], sel, start+off, leaf)
					}
					if _, err := cws[leaf].WriteRowValues(vals); err != nil {
						errs[ci] = fmt.Errorf("column %s: %w", col.Name, err)
						return
					}
				}
			}
		}(w.valBufs[wk])
	}
	wg.Wait()
	return errors.Join(errs...)
}

const valStep = 4096

// dictCache holds an Arrow string dictionary converted once to leveled
// Parquet values, so batches sharing one dictionary (as the generator's do)
// cost a copy per row instead of a conversion.
type dictCache struct {
	dict arrow.ArrayData // retained while cached
	leaf int
	vals []parquet.Value
}

// values returns the leveled values of d's dictionary for leaf plus, at
// index Len, the value written for a null slot (""). It returns nil when the
// dictionary is not a plain String array or is too large to be worth
// converting for rows rows.
func (c *dictCache) values(d *array.Dictionary, leaf, rows int) []parquet.Value {
	dd := d.Data().Dictionary()
	if c.dict == dd && c.leaf == leaf && c.vals != nil {
		return c.vals
	}
	sd, ok := d.Dictionary().(*array.String)
	if !ok || sd.Len() > max(rows, 1<<16) || sd.NullN() > 0 {
		return nil
	}
	switch d.Indices().(type) {
	case *array.Int32, *array.Int16, *array.Int8, *array.Uint8, *array.Uint16:
	default:
		return nil
	}
	c.release()
	o, data := sd.ValueOffsets(), stringData(sd)
	vals := make([]parquet.Value, sd.Len()+1)
	for j := 0; j < sd.Len(); j++ {
		vals[j] = parquet.ByteArrayValue(data[o[j]:o[j+1]:o[j+1]]).Level(0, 0, leaf)
	}
	vals[sd.Len()] = parquet.ByteArrayValue(nil).Level(0, 0, leaf)
	dd.Retain()
	c.dict, c.leaf, c.vals = dd, leaf, vals
	return vals
}

func (c *dictCache) release() {
	if c.dict != nil {
		c.dict.Release()
	}
	*c = dictCache{}
}

// fillFromDict fills vals from the cached dictionary values pre (nulls take
// pre[len(pre)-1], the empty string).
func fillFromDict(vals, pre []parquet.Value, d *array.Dictionary, sel []int32, start int) []parquet.Value {
	null := int32(len(pre) - 1)
	idx := func(r int) int32 { return int32(d.GetValueIndex(r)) }
	if ix, ok := d.Indices().(*array.Int32); ok {
		v := ix.Int32Values()
		if d.NullN() == 0 {
			if sel == nil {
				for i, x := range v[start : start+len(vals)] {
					vals[i] = pre[x]
				}
			} else {
				for i, r := range sel[:len(vals)] {
					vals[i] = pre[v[r]]
				}
			}
			return vals
		}
		idx = func(r int) int32 { return v[r] }
	}
	for i := range vals {
		r := start + i
		if sel != nil {
			r = int(sel[i])
		}
		if d.IsNull(r) {
			vals[i] = pre[null]
		} else {
			vals[i] = pre[idx(r)]
		}
	}
	return vals
}

// Rows returns the number of rows written since the last commit.
func (w *Writer) Rows() int64 {
	var n int64
	for _, df := range w.days {
		n += df.rows
	}
	return n
}

// Commit makes every row written so far visible, atomically per file and
// durably: each temporary file is closed, fsynced and renamed into its day
// folder, and the folder is fsynced. The writer can be used again afterwards.
func (w *Writer) Commit() (CommitInfo, error) {
	if w.err != nil {
		return CommitInfo{}, w.err
	}
	info, err := w.commit()
	if err != nil {
		w.Abort()
		w.err = fmt.Errorf("commit %s: %w", w.table, err)
		return CommitInfo{}, w.err
	}
	return info, nil
}

func (w *Writer) commit() (CommitInfo, error) {
	var info CommitInfo
	for _, k := range w.keys {
		df := w.days[k]
		if err := df.pw.Close(); err != nil {
			return info, err
		}
		if len(w.spare) < maxSpareWriters {
			w.spare = append(w.spare, df.pw)
		}
		if err := df.f.Sync(); err != nil {
			return info, err
		}
		if err := df.f.Close(); err != nil {
			return info, err
		}
		df.f = nil
	}
	if len(w.keys) == 0 {
		return info, nil
	}
	if w.targetDir == "" {
		lock, err := lockTable(w.tableDir())
		if err != nil {
			return info, err
		}
		defer lock.unlock()
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 10)
	for _, k := range w.keys {
		df := w.days[k]
		dir := w.tableDir()
		if w.targetDir != "" {
			dir = w.targetDir
		} else if k != noDay {
			dir = filepath.Join(dir, "date="+time.Unix(k*86400, 0).UTC().Format(dayLayout))
		}
		if err := mkdirDurable(dir); err != nil {
			return info, err
		}
		final := filepath.Join(dir, "part-"+stamp+"-"+randomHex(4)+".parquet")
		if err := os.Rename(df.tmp, final); err != nil {
			return info, err
		}
		df.tmp = ""
		if err := syncDir(dir); err != nil {
			return info, err
		}
		info.Files = append(info.Files, final)
		info.Rows += df.rows
	}
	w.days = map[int64]*dayFile{}
	w.keys = nil
	if w.targetDir != "" {
		return info, nil
	}
	if err := w.cat.Refresh(); err != nil {
		return info, err
	}
	return info, nil
}

// Abort discards every row written since the last commit.
func (w *Writer) Abort() error {
	var errs []error
	for _, df := range w.days {
		if df.f != nil {
			errs = append(errs, df.f.Close())
		}
		if df.tmp != "" {
			if err := os.Remove(df.tmp); err != nil && !os.IsNotExist(err) {
				errs = append(errs, err)
			}
		}
	}
	w.days = map[int64]*dayFile{}
	w.keys = nil
	w.releaseDicts()
	return errors.Join(errs...)
}

func (w *Writer) releaseDicts() {
	for i := range w.dicts {
		w.dicts[i].release()
	}
}

// stringData is the whole value buffer of a String array; ValueOffsets index
// into it (ValueBytes would start at the first offset instead).
func stringData(a *array.String) []byte {
	if b := a.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}
