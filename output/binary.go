package output

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/kusto/kparquet"
)

// plainBatch returns rec with the schema karrow.Schema(cols): dictionary
// columns decoded to plain strings so every batch of a file has one schema.
// The caller releases the result.
func plainBatch(schema *arrow.Schema, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	if int(rec.NumCols()) != schema.NumFields() {
		return nil, fmt.Errorf("batch has %d columns, want %d", rec.NumCols(), schema.NumFields())
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range schema.Fields() {
		col := rec.Column(i)
		if d, ok := col.(*array.Dictionary); ok && arrow.TypeEqual(f.Type, arrow.BinaryTypes.String) {
			cols[i] = decodeDictionary(d)
			continue
		}
		if f.Type.ID() == arrow.INT64 && col.DataType().ID() == arrow.DURATION {
			// Same buffers, seen as the int64 nanoseconds Parquet stores.
			data := array.NewData(f.Type, col.Len(), col.Data().Buffers(), nil, col.NullN(), col.Data().Offset())
			cols[i] = array.MakeFromData(data)
			data.Release()
			continue
		}
		if !arrow.TypeEqual(col.DataType(), f.Type) {
			return nil, fmt.Errorf("column %s: Arrow type %s, want %s", f.Name, col.DataType(), f.Type)
		}
		col.Retain()
		cols[i] = col
	}
	return array.NewRecordBatch(schema, cols, rec.NumRows()), nil
}

// decodeDictionary turns a dictionary of strings into a plain string array.
func decodeDictionary(d *array.Dictionary) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(d.Len())
	var v Values
	v.Reset(d, kusto.String)
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) || d.Dictionary().IsNull(d.GetValueIndex(i)) {
			b.AppendNull()
			continue
		}
		b.Append(v.rawString(i))
	}
	return b.NewArray()
}

// A row group closes when it holds this many rows.
const rowGroupRows = 512 << 10

// parquetWriter writes a Parquet file with parquet-go: zstd, the columns in
// result order, the Kusto types in the key-value metadata twice — as
// "kusto.schema" (name:type,...; what prowl's storage reads) and as the Arrow
// schema under "ARROW:schema" (what Arrow-based readers such as pyarrow use to
// restore the field metadata).
type parquetWriter struct {
	cols   kusto.Schema
	pw     *parquet.Writer
	vals   []parquet.Value
	rows   int64
	rgRows int64
}

// parquetSchema is the Arrow schema stored with a Parquet file: karrow's,
// except that timespans are int64 nanoseconds (Parquet has no duration type);
// the Kusto type in the field metadata still says timespan.
func parquetSchema(cols kusto.Schema) *arrow.Schema {
	fields := karrow.Schema(cols).Fields()
	for i := range fields {
		if fields[i].Type.ID() == arrow.DURATION {
			fields[i].Type = arrow.PrimitiveTypes.Int64
		}
	}
	return arrow.NewSchema(fields, nil)
}

// serializeSchema returns the Arrow IPC stream of schema with no batches, in
// base64: the form of the "ARROW:schema" metadata.
func serializeSchema(schema *arrow.Schema) (string, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func newParquetWriter(w io.Writer, cols kusto.Schema) (*parquetWriter, error) {
	arrowSchema, err := serializeSchema(parquetSchema(cols))
	if err != nil {
		return nil, fmt.Errorf("parquet writer: %w", err)
	}
	decl := make([]string, len(cols))
	for i, c := range cols {
		decl[i] = c.Name + ":" + c.Type.String()
	}
	pw := parquet.NewWriter(w,
		parquet.NewSchema("result", kparquet.NewGroup(cols)),
		parquet.Compression(&parquet.Zstd),
		parquet.KeyValueMetadata("ARROW:schema", arrowSchema),
		parquet.KeyValueMetadata("kusto.schema", strings.Join(decl, ",")),
		parquet.CreatedBy("prowl", "0", ""),
	)
	return &parquetWriter{cols: cols, pw: pw, vals: make([]parquet.Value, valueStep)}, nil
}

// valueStep is how many values are converted and written at a time.
const valueStep = 4096

func (p *parquetWriter) WriteBatch(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != len(p.cols) {
		return fmt.Errorf("batch has %d columns, want %d", rec.NumCols(), len(p.cols))
	}
	for off := int64(0); off < rec.NumRows(); {
		// Split the batch where the row group fills up.
		k := min(rec.NumRows()-off, rowGroupRows-p.rgRows)
		if err := p.writeRows(rec, int(off), int(k)); err != nil {
			return err
		}
		off += k
		p.rows += k
		if p.rgRows += k; p.rgRows >= rowGroupRows {
			if err := p.pw.Flush(); err != nil {
				return err
			}
			p.rgRows = 0
		}
	}
	return nil
}

// writeRows writes rows [start, start+k) of rec, column by column.
func (p *parquetWriter) writeRows(rec arrow.RecordBatch, start, k int) error {
	cws := p.pw.ColumnWriters()
	for i, c := range p.cols {
		for off := 0; off < k; off += valueStep {
			m := min(valueStep, k-off)
			vals := kparquet.FillValues(p.vals[:m], c.Type, rec.Column(i), nil, start+off, i)
			if _, err := cws[i].WriteRowValues(vals); err != nil {
				return fmt.Errorf("column %s: %w", c.Name, err)
			}
		}
	}
	return nil
}

func (p *parquetWriter) Rows() int64 { return p.rows }

func (p *parquetWriter) Close() error { return p.pw.Close() }

// arrowWriter writes an Arrow IPC stream.
type arrowWriter struct {
	schema *arrow.Schema
	w      *ipc.Writer
	rows   int64
}

func newArrowWriter(w io.Writer, cols kusto.Schema) *arrowWriter {
	schema := karrow.Schema(cols)
	return &arrowWriter{schema: schema, w: ipc.NewWriter(w, ipc.WithSchema(schema))}
}

func (a *arrowWriter) WriteBatch(rec arrow.RecordBatch) error {
	plain, err := plainBatch(a.schema, rec)
	if err != nil {
		return err
	}
	defer plain.Release()
	if err := a.w.Write(plain); err != nil {
		return err
	}
	a.rows += rec.NumRows()
	return nil
}

func (a *arrowWriter) Rows() int64 { return a.rows }

func (a *arrowWriter) Close() error { return a.w.Close() }
