package storage

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// dictStringType is the Arrow type of dictionary-encoded string columns.
var dictStringType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// colReader turns the pages of one column chunk into Arrow arrays of the
// table's Kusto type, a batch at a time. fc == nil means the file lacks the
// column: it reads as nulls ("" for strings).
type colReader struct {
	name  string
	out   kusto.Type
	fc    *fileColumn
	pages parquet.Pages

	page   parquet.Page
	nrows  int // rows in the current page
	prow   int // next row of the current page
	pval   int // next value of the current page's data
	defs   []byte
	maxDef byte
	vals   encoding.Values
	idx    []int32 // dictionary indices of a dictionary-encoded string page
	isDict bool
	direct bool // vals (or idx) are the page's own memory, not a gathered copy

	dict       parquet.Dictionary // dictionary of the string chunk
	dictVals   encoding.Values    // its values
	dictArr    *array.String      // its values as Arrow
	dictEmpty  int32              // index of "" in dictArr, -1 if absent
	dictArrExt *array.String      // dictArr plus a trailing "" (for nulls), built lazily

	scratch []byte // gathered values of dictionary-encoded non-string pages

	held []parquet.Page // pages finished during the current read, released after it
	segs []strSeg       // scratch of readPlainString

	pool *bufPool // output buffers; nil allocates with make
}

func newColReader(name string, out kusto.Type, fc *fileColumn, cc parquet.ColumnChunk) (*colReader, error) {
	r := &colReader{name: name, out: out, fc: fc, dictEmpty: -1}
	if fc == nil {
		return r, nil
	}
	if !convertible(fc, out) {
		return nil, fmt.Errorf("column %s: file type %s cannot be read as %s", name, fc.typ, out)
	}
	r.pages = cc.Pages()
	if fc.optional {
		r.maxDef = 1
	}
	return r, nil
}

func convertible(fc *fileColumn, out kusto.Type) bool {
	switch out {
	case kusto.Bool:
		return fc.src == srcBool
	case kusto.Int, kusto.Long, kusto.Real:
		switch fc.typ {
		case kusto.Int, kusto.Long:
			return true
		case kusto.Real:
			return out == kusto.Real
		}
		return false
	case kusto.DateTime:
		return fc.typ == kusto.DateTime
	case kusto.TimeSpan:
		return fc.typ == kusto.TimeSpan
	case kusto.String, kusto.Guid, kusto.Dynamic:
		return fc.src == srcBytes || fc.src == srcUUID
	}
	return false
}

func (r *colReader) close() {
	r.releaseHeld()
	if r.page != nil {
		parquet.Release(r.page)
		r.page = nil
	}
	if r.pages != nil {
		r.pages.Close()
	}
	if r.dictArr != nil {
		r.dictArr.Release()
	}
	if r.dictArrExt != nil {
		r.dictArrExt.Release()
	}
}

// releaseHeld drops the reader's references to the pages finished during a
// read, so they can go back to parquet-go's buffer pool. A batch's string
// values are gathered from all its pages before they are copied, so pages stay
// referenced until the batch is built; arrays that alias a page's memory hold
// their own reference (pageBuffer).
func (r *colReader) releaseHeld() {
	for i, p := range r.held {
		parquet.Release(p)
		r.held[i] = nil
	}
	r.held = r.held[:0]
}

// loadPage moves to the next page of the chunk; the finished one is held
// until the end of the current read.
func (r *colReader) loadPage() error {
	if r.page != nil {
		r.held = append(r.held, r.page)
		r.page = nil
	}
	p, err := r.pages.ReadPage()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("column %s: column chunk has fewer values than rows", r.name)
		}
		return fmt.Errorf("column %s: %w", r.name, err)
	}
	r.page = p
	r.nrows = int(p.NumRows())
	r.prow, r.pval = 0, 0
	r.defs = nil
	if r.maxDef > 0 && p.NumNulls() > 0 {
		r.defs = p.DefinitionLevels()
	}
	r.vals = p.Data()
	r.direct = true
	r.isDict = false
	if d := p.Dictionary(); d != nil {
		ix := r.vals.Int32()
		if r.fc.src == srcBytes {
			r.isDict = true
			r.idx = ix
			if r.dict != d {
				r.setDict(d)
			}
		} else {
			r.vals = r.gather(d, ix)
			r.direct = false
		}
	}
	return nil
}

// gatherValues returns dict[ix[0]], dict[ix[1]], ...: a dictionary page's
// values in row order.
func gatherValues[T any](dict []T, ix []int32) []T {
	out := make([]T, len(ix))
	for i, k := range ix {
		out[i] = dict[k]
	}
	return out
}

// gather decodes a dictionary-encoded page of a non-string column.
func (r *colReader) gather(d parquet.Dictionary, ix []int32) encoding.Values {
	dv := d.Page().Data()
	switch r.fc.src {
	case srcBool:
		src := dv.Boolean()
		out := make([]byte, (len(ix)+7)/8)
		for i, k := range ix {
			if src[k>>3]>>(k&7)&1 != 0 {
				out[i>>3] |= 1 << (i & 7)
			}
		}
		return encoding.BooleanValues(out)
	case srcInt32, srcUint32, srcDate:
		return encoding.Int32Values(gatherValues(dv.Int32(), ix))
	case srcInt64, srcTimestamp:
		return encoding.Int64Values(gatherValues(dv.Int64(), ix))
	case srcInt96:
		return encoding.Int96Values(gatherValues(dv.Int96(), ix))
	case srcFloat:
		return encoding.FloatValues(gatherValues(dv.Float(), ix))
	case srcDouble:
		return encoding.DoubleValues(gatherValues(dv.Double(), ix))
	case srcUUID:
		src, size := dv.FixedLenByteArray()
		out := make([]byte, 0, len(ix)*size)
		for _, k := range ix {
			out = append(out, src[int(k)*size:int(k+1)*size]...)
		}
		return encoding.FixedLenByteArrayValues(out, size)
	}
	return encoding.Values{}
}

func (r *colReader) setDict(d parquet.Dictionary) {
	if r.dictArr != nil {
		r.dictArr.Release()
		r.dictArr = nil
	}
	if r.dictArrExt != nil {
		r.dictArrExt.Release()
		r.dictArrExt = nil
	}
	r.dict = d
	r.dictVals = d.Page().Data()
	data, offs := r.dictVals.ByteArray()
	n := d.Len()
	r.dictArr = makeStringArray(data, offs, n, false)
	r.dictEmpty = -1
	for i := 0; i < n; i++ {
		if offs[i+1] == offs[i] {
			r.dictEmpty = int32(i)
			break
		}
	}
}

// makeStringArray copies n byte-array values (Parquet offsets) into an Arrow
// String array, optionally followed by one "".
func makeStringArray(data []byte, offs []uint32, n int, extraEmpty bool) *array.String {
	m := n
	if extraEmpty {
		m++
	}
	base := offs[0]
	ob := rawBytes(4 * (m + 1))
	o := arrow.Int32Traits.CastFromBytes(ob)
	for i := 0; i <= n; i++ {
		o[i] = int32(offs[i] - base)
	}
	if extraEmpty {
		o[m] = o[n]
	}
	buf := rawBytes(int(offs[n] - base))
	copy(buf, data[base:offs[n]])
	ad := array.NewData(arrow.BinaryTypes.String, m, []*memory.Buffer{nil,
		memory.NewBufferBytes(ob), memory.NewBufferBytes(buf)}, nil, 0, 0)
	defer ad.Release()
	return array.NewStringData(ad)
}

// span returns the next run of at most max rows from the current page: how
// many rows, their definition levels (nil when none is null) and the index of
// their first value in the page data. It advances past them.
func (r *colReader) span(max int) (k int, defs []byte, v0 int, err error) {
	for r.page == nil || r.prow >= r.nrows {
		if err := r.loadPage(); err != nil {
			return 0, nil, 0, err
		}
	}
	k = min(max, r.nrows-r.prow)
	v0 = r.pval
	if r.defs != nil {
		defs = r.defs[r.prow : r.prow+k]
		nv := 0
		for _, d := range defs {
			if d == r.maxDef {
				nv++
			}
		}
		r.pval += nv
	} else {
		r.pval += k
	}
	r.prow += k
	return k, defs, v0, nil
}

// validity tracks the null bitmap of an output array, allocated on the first null.
type validity struct {
	bits  []byte
	nulls int
	n     int
}

func (v *validity) setNull(i int) {
	if v.bits == nil {
		v.bits = make([]byte, bitutil.BytesForBits(int64(v.n)))
		for j := range v.bits {
			v.bits[j] = 0xff
		}
	}
	v.bits[i>>3] &^= 1 << (i & 7)
	v.nulls++
}

func (v *validity) buffer() *memory.Buffer {
	if v.bits == nil {
		return nil
	}
	return memory.NewBufferBytes(v.bits)
}

// read returns the next n rows as an Arrow array.
func (r *colReader) read(n int) (arrow.Array, error) {
	if r.fc == nil {
		return missingArray(r.out, n), nil
	}
	defer r.releaseHeld()
	switch r.out {
	case kusto.Bool:
		return r.readBool(n)
	case kusto.Int:
		return r.readInt32(n)
	case kusto.Long, kusto.DateTime, kusto.TimeSpan:
		return r.readInt64(n)
	case kusto.Real:
		return r.readFloat64(n)
	case kusto.String, kusto.Guid, kusto.Dynamic:
		if r.fc.src == srcUUID {
			return r.readUUID(n)
		}
		return r.readString(n)
	}
	return nil, fmt.Errorf("column %s: unsupported type %s", r.name, r.out)
}

func missingArray(t kusto.Type, n int) arrow.Array {
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		o := make([]int32, n+1)
		ad := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil,
			memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(o)), memory.NewBufferBytes(nil)}, nil, 0, 0)
		defer ad.Release()
		return array.NewStringData(ad)
	}
	return array.MakeArrayOfNull(memory.DefaultAllocator, karrow.DataType(t), n)
}

// fixedArray wraps data (from r.pool) and the validity bitmap as an array.
func (r *colReader) fixedArray(dt arrow.DataType, n int, v *validity, data []byte) arrow.Array {
	buf := r.pool.buffer(data)
	ad := array.NewData(dt, n, []*memory.Buffer{v.buffer(), buf}, nil, v.nulls, 0)
	buf.Release()
	defer ad.Release()
	return array.MakeFromData(ad)
}

// pageRows returns the next n rows of the current page as a slice of its
// values memory of width bytes per value, if all n are in that page, none is
// null and the page holds the values as they are (not gathered through a
// dictionary). It advances past them; ok false means nothing was consumed.
func (r *colReader) pageRows(n, width int) (b []byte, ok bool, err error) {
	for r.page == nil || r.prow >= r.nrows {
		if err := r.loadPage(); err != nil {
			return nil, false, err
		}
	}
	if !r.direct || r.defs != nil || r.nrows-r.prow < n {
		return nil, false, nil
	}
	all, _ := r.vals.Data()
	if r.isDict {
		all = arrow.Int32Traits.CastToBytes(r.idx)
	}
	lo, hi := r.pval*width, (r.pval+n)*width
	if hi > len(all) {
		return nil, false, fmt.Errorf("column %s: page has fewer values than rows", r.name)
	}
	r.prow += n
	r.pval += n
	return all[lo:hi:hi], true, nil
}

// pageBuffer wraps b, memory of the current page, as an Arrow buffer: the
// page stays retained (its memory out of parquet-go's buffer pool) until the
// buffer's last reference is released.
func (r *colReader) pageBuffer(b []byte) *memory.Buffer {
	parquet.Retain(r.page)
	return memory.NewBufferWithAllocator(b, &pageMem{page: r.page})
}

// pageMem is the memory.Allocator of a buffer aliasing page memory: Free
// releases the page. Allocate and Reallocate are never used by Arrow for such
// immutable buffers; they allocate plainly.
type pageMem struct{ page parquet.Page }

func (m *pageMem) Allocate(size int) []byte { return make([]byte, size) }

func (m *pageMem) Reallocate(size int, b []byte) []byte {
	nb := make([]byte, size)
	copy(nb, b)
	return nb
}

func (m *pageMem) Free([]byte) { parquet.Release(m.page) }

// pageArray makes a fixed-width array of n values aliasing page memory b.
func (r *colReader) pageArray(dt arrow.DataType, n int, b []byte) arrow.Array {
	buf := r.pageBuffer(b)
	ad := array.NewData(dt, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	defer ad.Release()
	return array.MakeFromData(ad)
}

func (r *colReader) readBool(n int) (arrow.Array, error) {
	out := r.pool.Allocate(int(bitutil.BytesForBits(int64(n))))
	clear(out)
	v := validity{n: n}
	for filled := 0; filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			return nil, err
		}
		src := r.vals.Boolean()
		j := v0
		for i := 0; i < k; i++ {
			if defs != nil && defs[i] != r.maxDef {
				v.setNull(filled + i)
				continue
			}
			if src[j>>3]>>(j&7)&1 != 0 {
				out[(filled+i)>>3] |= 1 << ((filled + i) & 7)
			}
			j++
		}
		filled += k
	}
	return r.fixedArray(arrow.FixedWidthTypes.Boolean, n, &v, out), nil
}

func (r *colReader) readInt32(n int) (arrow.Array, error) {
	if r.fc.src == srcInt32 {
		if b, ok, err := r.pageRows(n, 4); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return r.pageArray(arrow.PrimitiveTypes.Int32, n, b), nil
		}
	}
	out, raw := r.pool.int32s(n)
	v := validity{n: n}
	for filled := 0; filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, err
		}
		dst := out[filled : filled+k]
		switch r.fc.src {
		case srcInt32:
			src := r.vals.Int32()
			if defs == nil {
				copy(dst, src[v0:v0+k])
			} else {
				j := v0
				for i, d := range defs {
					if d == r.maxDef {
						dst[i] = src[j]
						j++
					} else {
						dst[i] = 0
						v.setNull(filled + i)
					}
				}
			}
		default: // int64 or uint32 narrowed to int: checked
			j := v0
			for i := 0; i < k; i++ {
				if defs != nil && defs[i] != r.maxDef {
					dst[i] = 0
					v.setNull(filled + i)
					continue
				}
				var x int64
				if r.fc.src == srcUint32 {
					x = int64(uint32(r.vals.Int32()[j]))
				} else {
					x = r.vals.Int64()[j]
				}
				j++
				if x < math.MinInt32 || x > math.MaxInt32 {
					r.pool.Free(raw)
					return nil, fmt.Errorf("column %s: value %d does not fit the column type int", r.name, x)
				}
				dst[i] = int32(x)
			}
		}
		filled += k
	}
	return r.fixedArray(arrow.PrimitiveTypes.Int32, n, &v, raw), nil
}

func (r *colReader) readInt64(n int) (arrow.Array, error) {
	var dt arrow.DataType = arrow.PrimitiveTypes.Int64
	switch r.out {
	case kusto.DateTime:
		dt = karrow.TimestampType
	case kusto.TimeSpan:
		dt = karrow.DurationType
	}
	unit := r.fc.unit
	if unit == 0 {
		unit = 1
	}
	if unit == 1 && (r.fc.src == srcInt64 || r.fc.src == srcTimestamp) {
		if b, ok, err := r.pageRows(n, 8); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return r.pageArray(dt, n, b), nil
		}
	}
	out, raw := r.pool.int64s(n)
	v := validity{n: n}
	for filled := 0; filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, err
		}
		dst := out[filled : filled+k]
		switch r.fc.src {
		case srcInt64, srcTimestamp:
			src := r.vals.Int64()
			if defs == nil {
				copy(dst, src[v0:v0+k])
				if unit != 1 {
					for i := range dst {
						dst[i] *= unit
					}
				}
			} else {
				j := v0
				for i, d := range defs {
					if d == r.maxDef {
						dst[i] = src[j] * unit
						j++
					} else {
						dst[i] = 0
						v.setNull(filled + i)
					}
				}
			}
		case srcInt32, srcUint32, srcDate:
			src := r.vals.Int32()
			j := v0
			for i := 0; i < k; i++ {
				if defs != nil && defs[i] != r.maxDef {
					dst[i] = 0
					v.setNull(filled + i)
					continue
				}
				if r.fc.src == srcUint32 {
					dst[i] = int64(uint32(src[j]))
				} else {
					dst[i] = int64(src[j]) * unit
				}
				j++
			}
		case srcInt96:
			src := r.vals.Int96()
			j := v0
			for i := 0; i < k; i++ {
				if defs != nil && defs[i] != r.maxDef {
					dst[i] = 0
					v.setNull(filled + i)
					continue
				}
				dst[i] = int96ToNanos(src[j])
				j++
			}
		default:
			r.pool.Free(raw)
			return nil, fmt.Errorf("column %s: cannot read %v as %s", r.name, r.fc.typ, r.out)
		}
		filled += k
	}
	return r.fixedArray(dt, n, &v, raw), nil
}

// int96ToNanos converts a legacy Impala timestamp (nanoseconds of the day, then
// the Julian day) to nanoseconds since the Unix epoch.
func int96ToNanos(x deprecated.Int96) int64 {
	nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
	day := int64(x[2]) - 2440588
	return day*86400e9 + nanos
}

func (r *colReader) readFloat64(n int) (arrow.Array, error) {
	if r.fc.src == srcDouble {
		if b, ok, err := r.pageRows(n, 8); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return r.pageArray(arrow.PrimitiveTypes.Float64, n, b), nil
		}
	}
	out, raw := r.pool.float64s(n)
	v := validity{n: n}
	for filled := 0; filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, err
		}
		dst := out[filled : filled+k]
		if r.fc.src == srcDouble && defs == nil {
			copy(dst, r.vals.Double()[v0:v0+k])
			filled += k
			continue
		}
		j := v0
		for i := 0; i < k; i++ {
			if defs != nil && defs[i] != r.maxDef {
				dst[i] = 0
				v.setNull(filled + i)
				continue
			}
			switch r.fc.src {
			case srcDouble:
				dst[i] = r.vals.Double()[j]
			case srcFloat:
				dst[i] = float64(r.vals.Float()[j])
			case srcInt32:
				dst[i] = float64(r.vals.Int32()[j])
			case srcUint32:
				dst[i] = float64(uint32(r.vals.Int32()[j]))
			case srcInt64:
				dst[i] = float64(r.vals.Int64()[j])
			}
			j++
		}
		filled += k
	}
	return r.fixedArray(arrow.PrimitiveTypes.Float64, n, &v, raw), nil
}

func (r *colReader) readUUID(n int) (arrow.Array, error) {
	const hex = "0123456789abcdef"
	offs, raw := r.pool.int32s(n + 1)
	offs[0] = 0
	data := make([]byte, 0, 36*n)
	for filled := 0; filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, err
		}
		src, size := r.vals.FixedLenByteArray()
		j := v0
		for i := 0; i < k; i++ {
			if defs == nil || defs[i] == r.maxDef {
				u := src[j*size : (j+1)*size]
				for b := 0; b < 16; b++ {
					if b == 4 || b == 6 || b == 8 || b == 10 {
						data = append(data, '-')
					}
					data = append(data, hex[u[b]>>4], hex[u[b]&15])
				}
				j++
			}
			offs[filled+i+1] = int32(len(data))
		}
		filled += k
	}
	return r.newString(n, raw, data), nil
}

// newString makes a String array of n values: offsets in rawOffs (from
// r.pool), value bytes in data (GC-owned).
func (r *colReader) newString(n int, rawOffs []byte, data []byte) arrow.Array {
	buf := r.pool.buffer(rawOffs)
	ad := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, buf, memory.NewBufferBytes(data)}, nil, 0, 0)
	buf.Release()
	defer ad.Release()
	return array.NewStringData(ad)
}

// readString reads a string column. While every page of the batch is
// dictionary-encoded the result is a Dictionary(Int32, String) array sharing
// the chunk's dictionary; otherwise plain String. Nulls read as "".
func (r *colReader) readString(n int) (arrow.Array, error) {
	for r.page == nil || r.prow >= r.nrows {
		if err := r.loadPage(); err != nil {
			return nil, err
		}
	}
	if r.isDict {
		arr, done, err := r.readDictBatch(n)
		if err != nil || done {
			return arr, err
		}
	}
	return r.readPlainString(n, nil)
}

// readDictBatch reads n rows as dictionary indices. If a non-dictionary page
// turns up midway it returns done=false after rewinding nothing: the indices
// read so far are decoded into a plain array by readPlainString.
func (r *colReader) readDictBatch(n int) (arrow.Array, bool, error) {
	if b, ok, err := r.pageRows(n, 4); err != nil || ok {
		if err != nil {
			return nil, false, err
		}
		return r.dictArrayBuf(r.pageBuffer(b), n, r.dictArr), true, nil
	}
	ix, raw := r.pool.int32s(n)
	needEmpty := false
	filled := 0
	for filled < n {
		for r.page == nil || r.prow >= r.nrows {
			if err := r.loadPage(); err != nil {
				r.pool.Free(raw)
				return nil, false, err
			}
		}
		if !r.isDict {
			arr, err := r.readPlainString(n, ix[:filled])
			r.pool.Free(raw)
			return arr, true, err
		}
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, false, err
		}
		dst := ix[filled : filled+k]
		if defs == nil {
			copy(dst, r.idx[v0:v0+k])
		} else {
			j := v0
			for i, d := range defs {
				if d == r.maxDef {
					dst[i] = r.idx[j]
					j++
				} else if r.dictEmpty >= 0 {
					dst[i] = r.dictEmpty
				} else {
					dst[i] = -1
					needEmpty = true
				}
			}
		}
		filled += k
	}
	dict := r.dictArr
	if needEmpty {
		if r.dictArrExt == nil {
			data, offs := r.dictVals.ByteArray()
			r.dictArrExt = makeStringArray(data, offs, r.dict.Len(), true)
		}
		dict = r.dictArrExt
		e := int32(r.dict.Len())
		for i, x := range ix {
			if x < 0 {
				ix[i] = e
			}
		}
	}
	return r.dictArray(raw, n, dict), true, nil
}

// dictArray makes a dictionary array of n indices held in raw (from r.pool).
func (r *colReader) dictArray(raw []byte, n int, dict *array.String) arrow.Array {
	return r.dictArrayBuf(r.pool.buffer(raw), n, dict)
}

// dictArrayBuf makes a dictionary array of n indices in buf, taking over the
// caller's reference.
func (r *colReader) dictArrayBuf(buf *memory.Buffer, n int, dict *array.String) arrow.Array {
	ad := array.NewData(dictStringType, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	ad.SetDictionary(dict.Data())
	defer ad.Release()
	return array.NewDictionaryData(ad)
}

// strSeg is one page's run of rows in a string batch: k rows (definition
// levels defs, nil when none is null) whose nv values start at value v0 of the
// page. Plain pages carry their values (data, offs); dictionary pages their
// indices idx into the dictionary values (data, offs).
type strSeg struct {
	k, v0, nv int
	defs      []byte
	dict      bool
	idx       []int32
	data      []byte
	offs      []uint32
}

// readPlainString reads n rows into a String array; prefix holds dictionary
// indices (-1 = "") already read for the first rows of the batch. It first
// collects the batch's runs of all pages it spans (they stay referenced until
// the read ends), so the value bytes are copied once into a buffer of exactly
// the right size.
func (r *colReader) readPlainString(n int, prefix []int32) (arrow.Array, error) {
	total := 0
	var dd []byte
	var doffs []uint32
	if r.dict != nil {
		dd, doffs = r.dictVals.ByteArray()
	}
	for _, x := range prefix {
		if x >= 0 {
			total += int(doffs[x+1] - doffs[x])
		}
	}
	segs := r.segs[:0]
	for filled := len(prefix); filled < n; {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			return nil, err
		}
		sg := strSeg{k: k, v0: v0, nv: r.pval - v0, defs: defs, dict: r.isDict}
		if r.isDict {
			sg.idx = r.idx[v0 : v0+sg.nv]
			sg.data, sg.offs = dd, doffs
			for _, x := range sg.idx {
				total += int(doffs[x+1] - doffs[x])
			}
		} else {
			sg.data, sg.offs = r.vals.ByteArray()
			total += int(sg.offs[v0+sg.nv] - sg.offs[v0])
		}
		segs = append(segs, sg)
		filled += k
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("column %s: %d bytes of strings in one batch exceed 2 GiB", r.name, total)
	}
	offs, raw := r.pool.int32s(n + 1)
	offs[0] = 0
	data := rawBytes(total)
	pos := int32(0)
	for i, x := range prefix {
		if x >= 0 {
			pos += int32(copy(data[pos:], dd[doffs[x]:doffs[x+1]]))
		}
		offs[i+1] = pos
	}
	out := offs[len(prefix)+1:]
	for si := range segs {
		sg := &segs[si]
		switch {
		case sg.dict:
			j := 0
			for i := 0; i < sg.k; i++ {
				if sg.defs == nil || sg.defs[i] == r.maxDef {
					x := sg.idx[j]
					pos += int32(copy(data[pos:], sg.data[sg.offs[x]:sg.offs[x+1]]))
					j++
				}
				out[i] = pos
			}
		case sg.defs == nil:
			so := sg.offs[sg.v0 : sg.v0+sg.k+1]
			base := pos - int32(so[0])
			pos += int32(copy(data[pos:], sg.data[so[0]:so[sg.k]]))
			o := out[:sg.k]
			for i := range o {
				o[i] = base + int32(so[i+1])
			}
		default:
			so := sg.offs[sg.v0 : sg.v0+sg.nv+1]
			base := pos - int32(so[0])
			pos += int32(copy(data[pos:], sg.data[so[0]:so[sg.nv]]))
			j := 0
			for i, d := range sg.defs {
				if d == r.maxDef {
					j++
				}
				out[i] = base + int32(so[j])
			}
		}
		out = out[sg.k:]
		*sg = strSeg{}
	}
	r.segs = segs[:0]
	return r.newString(n, raw, data), nil
}

// rawBytes returns n bytes of arbitrary contents, owned by the GC: unlike
// make, it does not zero memory that the caller overwrites anyway. (The bytes
// come from a strings.Builder, whose growth skips zeroing; they stay
// writable until the caller hands them out.)
func rawBytes(n int) []byte {
	if n == 0 {
		return nil
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(0)
	s := b.String()
	return unsafe.Slice(unsafe.StringData(s), n)
}
