package main

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// stringValue reads row i of a string column, plain or dictionary-encoded.
func stringValue(col arrow.Array, i int) string {
	switch c := col.(type) {
	case *array.String:
		return c.Value(i)
	case *array.Dictionary:
		if s, ok := c.Dictionary().(*array.String); ok && c.IsValid(i) {
			return s.Value(c.GetValueIndex(i))
		}
	}
	return ""
}
