package gen

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// dictType is the Arrow type of dictionary-encoded string columns.
var dictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// dict is a string column whose values are a function of a small key (device,
// process, account, host...). values are unique; remap maps a key to its value's
// index (nil when the mapping is the identity).
type dict struct {
	values []string
	arr    *array.String
	remap  []int32
}

// newDict builds a dict from the value of each key.
func newDict(byKey []string) *dict {
	d := &dict{}
	pos := make(map[string]int32, len(byKey))
	remap := make([]int32, len(byKey))
	identity := true
	for k, v := range byKey {
		i, ok := pos[v]
		if !ok {
			i = int32(len(d.values))
			pos[v] = i
			d.values = append(d.values, v)
		}
		remap[k] = i
		identity = identity && int(i) == k
	}
	if !identity {
		d.remap = remap
	}
	d.arr = stringArray(d.values)
	return d
}

// stringArray builds a plain string array of vals.
func stringArray(vals []string) *array.String {
	n := 0
	for _, v := range vals {
		n += len(v)
	}
	offs := make([]int32, len(vals)+1)
	data := make([]byte, 0, n)
	for i, v := range vals {
		data = append(data, v...)
		offs[i+1] = int32(len(data))
	}
	return newString(offs, data)
}

func newString(offs []int32, data []byte) *array.String {
	d := array.NewData(arrow.BinaryTypes.String, len(offs)-1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(data)}, nil, 0, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// column returns the column for the keys: a dictionary array, or with plain a
// materialised string array.
func (d *dict) column(keys []int32, plain bool) arrow.Array {
	idx := keys
	if d.remap != nil {
		idx = make([]int32, len(keys))
		for i, k := range keys {
			idx[i] = d.remap[k]
		}
	}
	if plain {
		n := 0
		for _, i := range idx {
			n += len(d.values[i])
		}
		offs := make([]int32, len(idx)+1)
		data := make([]byte, 0, n)
		for r, i := range idx {
			data = append(data, d.values[i]...)
			offs[r+1] = int32(len(data))
		}
		return newString(offs, data)
	}
	ind := array.NewData(arrow.PrimitiveTypes.Int32, len(idx),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(idx))}, nil, 0, 0)
	defer ind.Release()
	indices := array.MakeFromData(ind)
	defer indices.Release()
	return array.NewDictionaryArray(dictType, indices, d.arr)
}

// bitmap packs valid flags into an Arrow validity bitmap and counts the nulls.
// It returns nil when every value is valid.
func bitmap(valid []bool) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	bits := make([]byte, (len(valid)+7)/8)
	nulls := 0
	for i, v := range valid {
		if v {
			bits[i>>3] |= 1 << (i & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(bits), nulls
}

func int64Array(dt arrow.DataType, vals []int64, valid []bool) arrow.Array {
	vb, nulls := bitmap(valid)
	d := array.NewData(dt, len(vals), []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func int32Array(vals []int32) arrow.Array {
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(vals), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(vals))}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// constBool is a column of n copies of v.
func constBool(n int, v bool) arrow.Array {
	bits := make([]byte, (n+7)/8)
	if v {
		for i := range bits {
			bits[i] = 0xff
		}
	}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{nil, memory.NewBufferBytes(bits)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// emptyStrings is a column of n empty strings.
func emptyStrings(n int) arrow.Array {
	return newString(make([]int32, n+1), nil)
}

// tableSchema is the Arrow schema of a built-in table, with the named columns
// dictionary-encoded unless plain.
func tableSchema(s kusto.Schema, dictCols map[string]bool, plain bool) *arrow.Schema {
	fields := make([]arrow.Field, len(s))
	for i, c := range s {
		f := karrow.Field(c)
		if !plain && dictCols[c.Name] {
			f.Type = dictType
		}
		fields[i] = f
	}
	return arrow.NewSchema(fields, nil)
}
