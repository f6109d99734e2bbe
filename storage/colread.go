package storage

import (
	"errors"
	"fmt"
	"io"
	"math"

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

	dict       parquet.Dictionary // dictionary of the string chunk
	dictVals   encoding.Values    // its values
	dictArr    *array.String      // its values as Arrow
	dictEmpty  int32              // index of "" in dictArr, -1 if absent
	dictArrExt *array.String      // dictArr plus a trailing "" (for nulls), built lazily

	scratch []byte // gathered values of dictionary-encoded non-string pages

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

// loadPage moves to the next page of the chunk.
// Batches never alias page memory (values are copied), so finished pages go
// back to parquet-go's buffer pool.
func (r *colReader) loadPage() error {
	if r.page != nil {
		parquet.Release(r.page)
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
	o := make([]int32, m+1)
	for i := 0; i <= n; i++ {
		o[i] = int32(offs[i] - base)
	}
	if extraEmpty {
		o[m] = o[n]
	}
	buf := make([]byte, offs[n]-base)
	copy(buf, data[base:offs[n]])
	ad := array.NewData(arrow.BinaryTypes.String, m, []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(o)), memory.NewBufferBytes(buf)}, nil, 0, 0)
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
	out, raw := r.pool.int64s(n)
	v := validity{n: n}
	unit := r.fc.unit
	if unit == 0 {
		unit = 1
	}
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
	buf := r.pool.buffer(raw)
	ad := array.NewData(dictStringType, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	ad.SetDictionary(dict.Data())
	defer ad.Release()
	return array.NewDictionaryData(ad)
}

// readPlainString reads n rows into a String array; prefix holds dictionary
// indices (-1 = "") already read for the first rows of the batch.
func (r *colReader) readPlainString(n int, prefix []int32) (arrow.Array, error) {
	offs, raw := r.pool.int32s(n + 1)
	offs[0] = 0
	data := make([]byte, 0, 16*n)
	filled := 0
	if len(prefix) > 0 {
		dd, doffs := r.dictVals.ByteArray()
		for i, x := range prefix {
			if x >= 0 {
				data = append(data, dd[doffs[x]:doffs[x+1]]...)
			}
			offs[i+1] = int32(len(data))
		}
		filled = len(prefix)
	}
	for filled < n {
		k, defs, v0, err := r.span(n - filled)
		if err != nil {
			r.pool.Free(raw)
			return nil, err
		}
		if r.isDict {
			dd, doffs := r.dictVals.ByteArray()
			j := v0
			for i := 0; i < k; i++ {
				if defs == nil || defs[i] == r.maxDef {
					x := r.idx[j]
					data = append(data, dd[doffs[x]:doffs[x+1]]...)
					j++
				}
				offs[filled+i+1] = int32(len(data))
			}
			filled += k
			continue
		}
		src, so := r.vals.ByteArray()
		if need := int(so[v0+k] - so[v0]); len(data)+need > cap(data) {
			// grow once, to what the rest of the batch needs at this span's rate
			est := len(data) + need + need/max(k, 1)*(n-filled-k)
			grown := make([]byte, len(data), max(est, 2*cap(data)))
			copy(grown, data)
			data = grown
		}
		if defs == nil {
			base := int32(len(data)) - int32(so[v0])
			data = append(data, src[so[v0]:so[v0+k]]...)
			for i := 1; i <= k; i++ {
				offs[filled+i] = base + int32(so[v0+i])
			}
		} else {
			j := v0
			for i, d := range defs {
				if d == r.maxDef {
					data = append(data, src[so[j]:so[j+1]]...)
					j++
				}
				offs[filled+i+1] = int32(len(data))
			}
		}
		filled += k
	}
	return r.newString(n, raw, data), nil
}
