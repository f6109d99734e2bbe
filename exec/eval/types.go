package eval

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// DecimalType is the Arrow type of Kusto decimals.
func DecimalType() arrow.DataType { return karrow.DecimalType }

func karrowType(a arrow.Array) kusto.Type { return karrow.TypeOf(a.DataType()) }
