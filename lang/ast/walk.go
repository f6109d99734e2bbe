package ast

// InspectExpr visits x and then, while visit returns true for a node, that
// node's scalar sub-expressions in source order (operands, call arguments, list
// items, range bounds, the inside of parentheses). It does not descend into the
// operators of tabular expressions.
func InspectExpr(x Expr, visit func(Expr) bool) {
	if x == nil || !visit(x) {
		return
	}
	switch v := x.(type) {
	case *Paren:
		InspectExpr(v.X, visit)
	case *Binary:
		InspectExpr(v.L, visit)
		InspectExpr(v.R, visit)
	case *Unary:
		InspectExpr(v.X, visit)
	case *Call:
		for _, a := range v.Args {
			InspectExpr(a, visit)
		}
	case *Member:
		InspectExpr(v.X, visit)
	case *Index:
		InspectExpr(v.X, visit)
		InspectExpr(v.Index, visit)
	case *List:
		for _, a := range v.Items {
			InspectExpr(a, visit)
		}
	case *RangeExpr:
		InspectExpr(v.Lo, visit)
		InspectExpr(v.Hi, visit)
	}
}
