package output

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
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

// Row groups close at whichever comes first.
const (
	rowGroupRows  = 512 << 10
	rowGroupBytes = 64 << 20
)

// parquetWriter writes a Parquet file (zstd, Arrow schema stored so the Kusto
// types travel in the field metadata).
type parquetWriter struct {
	schema *arrow.Schema
	fw     *pqarrow.FileWriter
	rows   int64
}

// parquetSchema is the Arrow schema written to Parquet: karrow's, except that
// timespans are int64 nanoseconds (Parquet has no duration type); the Kusto
// type in the field metadata still says timespan.
func parquetSchema(cols kusto.Schema) *arrow.Schema {
	fields := karrow.Schema(cols).Fields()
	for i := range fields {
		if fields[i].Type.ID() == arrow.DURATION {
			fields[i].Type = arrow.PrimitiveTypes.Int64
		}
	}
	return arrow.NewSchema(fields, nil)
}

func newParquetWriter(w io.Writer, cols kusto.Schema) (*parquetWriter, error) {
	schema := parquetSchema(cols)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	// The Parquet writer closes a sink that is an io.Closer; hide Close so the
	// caller keeps its writer.
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("parquet writer: %w", err)
	}
	return &parquetWriter{schema: schema, fw: fw}, nil
}

func (p *parquetWriter) WriteBatch(rec arrow.RecordBatch) error {
	plain, err := plainBatch(p.schema, rec)
	if err != nil {
		return err
	}
	defer plain.Release()
	if err := p.fw.WriteBuffered(plain); err != nil {
		return err
	}
	p.rows += rec.NumRows()
	// A buffered row group is held in memory until it closes: close it once
	// it is the size of a good row group, so big results stream through.
	if n, err := p.fw.RowGroupNumRows(); err == nil && (n >= rowGroupRows || p.fw.RowGroupTotalBytesWritten() >= rowGroupBytes) {
		return p.fw.NewBufferedRowGroupChecked()
	}
	return nil
}

func (p *parquetWriter) Rows() int64 { return p.rows }

func (p *parquetWriter) Close() error { return p.fw.Close() }

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
