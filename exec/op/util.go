package op

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

func karrowType(a arrow.Array) kusto.Type { return karrow.TypeOf(a.DataType()) }
