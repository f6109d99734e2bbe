package ingest

import (
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// decimalFits reports whether f converts to the Decimal128 of Kusto decimals.
func decimalFits(f float64) bool {
	_, err := decimal128.FromFloat64(f, karrow.DecimalType.Precision, karrow.DecimalType.Scale)
	return err == nil
}

// decimalFromFloat converts a value that decimalFits accepted.
func decimalFromFloat(f float64) decimal128.Num {
	n, err := decimal128.FromFloat64(f, karrow.DecimalType.Precision, karrow.DecimalType.Scale)
	if err != nil {
		return decimal128.Num{}
	}
	return n
}
