package karrow

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

func TestRoundTrip(t *testing.T) {
	for ty := kusto.Bool; ty <= kusto.Dynamic; ty++ {
		c := kusto.Column{Name: "c", Type: ty}
		if got := Column(Field(c)); got != c {
			t.Errorf("Column(Field(%v)) = %v", c, got)
		}
	}
}

func TestTypeOfForeign(t *testing.T) {
	tests := []struct {
		dt   arrow.DataType
		want kusto.Type
	}{
		{&arrow.TimestampType{Unit: arrow.Millisecond}, kusto.DateTime},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, kusto.DateTime},
		{arrow.PrimitiveTypes.Int16, kusto.Int},
		{arrow.PrimitiveTypes.Uint32, kusto.Long},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, kusto.String},
		{arrow.ListOf(arrow.BinaryTypes.String), kusto.Dynamic},
	}
	for _, tc := range tests {
		if got := TypeOf(tc.dt); got != tc.want {
			t.Errorf("TypeOf(%v) = %v, want %v", tc.dt, got, tc.want)
		}
	}
}
