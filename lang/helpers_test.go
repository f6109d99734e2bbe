package lang

import (
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/prowl-hunt/prowl/lang/ast"
)

var ignorePositions = cmp.Options{
	cmpopts.IgnoreTypes(ast.Pos{}),
	cmpopts.IgnoreFields(ast.Literal{}, "Text"),
	cmpopts.IgnoreFields(ast.Command{}, "Text"),
	cmpopts.EquateNaNs(),
	cmpopts.EquateEmpty(),
}
