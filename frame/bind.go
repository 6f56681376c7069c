package frame

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// ErrColumn is matched (errors.Is) by errors about a column that a frame
// does not have, or has twice.
var ErrColumn = errors.New("column not found")

// ErrType is matched by type errors in expressions, such as "a" + 1.
var ErrType = errors.New("type error")

// bind checks n against schema and returns a copy in which every node knows
// its type, with implicit casts inserted where operand types must agree.
// Errors name the expression and the column.
func bind(n exprNode, schema *arrow.Schema) (exprNode, error) {
	switch x := n.(type) {
	case *badExpr:
		return nil, x.err
	case *colExpr:
		idx := schema.FieldIndices(x.name)
		switch len(idx) {
		case 0:
			return nil, fmt.Errorf("unknown column %q (columns: %s): %w", x.name, columnList(schema), ErrColumn)
		case 1:
			return &colExpr{name: x.name, typ: schema.Field(idx[0]).Type}, nil
		default:
			return nil, fmt.Errorf("column %q is ambiguous: the frame has %d columns of that name: %w", x.name, len(idx), ErrColumn)
		}
	case *litExpr:
		return x, nil
	case *aliasExpr:
		if x.name == "" {
			return nil, fmt.Errorf("%s: empty column name", x)
		}
		c, err := bind(x.x, schema)
		if err != nil {
			return nil, err
		}
		return &aliasExpr{x: c, name: x.name}, nil
	case *binaryExpr:
		return bindBinary(x, schema)
	case *unaryExpr:
		return bindUnary(x, schema)
	case *fillNullExpr:
		v, err := bind(x.x, schema)
		if err != nil {
			return nil, err
		}
		fill, err := bind(x.fill, schema)
		if err != nil {
			return nil, err
		}
		t := v.dataType()
		if !computable(t) {
			return nil, typeErr(x, "cannot fill nulls of %s %s", describe(v), t)
		}
		t, ok := commonType(t, fill.dataType())
		if !ok {
			return nil, typeErr(x, "cannot fill nulls of %s %s with %s %s", describe(v), v.dataType(), describe(fill), fill.dataType())
		}
		if v, err = coerce(v, t); err != nil {
			return nil, typeErr(x, "%v", err)
		}
		if fill, err = coerce(fill, t); err != nil {
			return nil, typeErr(x, "%v", err)
		}
		return &fillNullExpr{x: v, fill: fill, typ: t}, nil
	case *castExpr:
		v, err := bind(x.x, schema)
		if err != nil {
			return nil, err
		}
		if x.to == nil {
			return nil, typeErr(x, "cast to a nil type")
		}
		from := v.dataType()
		if arrow.TypeEqual(from, x.to) {
			return v, nil
		}
		if !castable(from, x.to) {
			return nil, typeErr(x, "cannot cast %s %s to %s", describe(v), from, x.to)
		}
		if l, ok := v.(*litExpr); ok {
			if c, err := convertLit(l, x.to); err == nil {
				return c, nil
			}
		}
		return &castExpr{x: v, to: x.to, implicit: x.implicit}, nil
	case *matchExpr:
		v, err := bind(x.x, schema)
		if err != nil {
			return nil, err
		}
		if v, err = needString(x, v); err != nil {
			return nil, err
		}
		return &matchExpr{op: x.op, x: v, pattern: x.pattern, typ: arrow.FixedWidthTypes.Boolean}, nil
	case *substrExpr:
		v, err := bind(x.x, schema)
		if err != nil {
			return nil, err
		}
		if v, err = needString(x, v); err != nil {
			return nil, err
		}
		if x.length < 0 {
			return nil, typeErr(x, "negative length %d", x.length)
		}
		return &substrExpr{x: v, start: x.start, length: x.length, typ: arrow.BinaryTypes.String}, nil
	}
	return nil, fmt.Errorf("frame: unknown expression node %T", n)
}

func typeErr(n exprNode, format string, args ...any) error {
	for i, a := range args {
		if t, ok := a.(arrow.DataType); ok {
			args[i] = typeName(t)
		}
	}
	return fmt.Errorf("%s: %s: %w", n, fmt.Sprintf(format, args...), ErrType)
}

// typeName names a type as users write it: Arrow calls its string type
// "utf8".
func typeName(t arrow.DataType) string {
	switch t.ID() {
	case arrow.STRING:
		return "string"
	case arrow.LARGE_STRING:
		return "large_string"
	}
	return t.String()
}

// describe names an operand in a type error: `column "fare"`, `literal "a"`
// or the expression.
func describe(n exprNode) string {
	switch x := n.(type) {
	case *colExpr:
		return fmt.Sprintf("column %q", x.name)
	case *litExpr:
		return "literal " + x.String()
	case *castExpr:
		if x.implicit {
			return describe(x.x)
		}
	}
	return "expression " + n.String()
}

func columnList(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	const max = 20
	if len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-max)
	}
	return strings.Join(names, ", ")
}

func needString(n, v exprNode) (exprNode, error) {
	t := v.dataType()
	switch t.ID() {
	case arrow.STRING:
		return v, nil
	case arrow.LARGE_STRING:
		return coerce(v, arrow.BinaryTypes.String)
	case arrow.NULL:
		return coerce(v, arrow.BinaryTypes.String)
	}
	return nil, typeErr(n, "%s has type %s, not a string", describe(v), t)
}

func bindBinary(x *binaryExpr, schema *arrow.Schema) (exprNode, error) {
	l, err := bind(x.l, schema)
	if err != nil {
		return nil, err
	}
	r, err := bind(x.r, schema)
	if err != nil {
		return nil, err
	}
	lt, rt := l.dataType(), r.dataType()
	var operand, result arrow.DataType
	switch {
	case x.op.arithmetic():
		if !(isNumeric(lt) || lt.ID() == arrow.NULL) || !(isNumeric(rt) || rt.ID() == arrow.NULL) {
			hint := ""
			if x.op == opAdd && (isString(lt) || isString(rt)) {
				hint = " (use Concat to join strings)"
			}
			return nil, typeErr(x, "cannot apply %s to %s %s and %s %s%s", x.op, describe(l), lt, describe(r), rt, hint)
		}
		operand = arrow.PrimitiveTypes.Int64
		if isFloat(lt) || isFloat(rt) || x.op == opDiv {
			operand = arrow.PrimitiveTypes.Float64
		}
		result = operand
	case x.op.comparison():
		t, ok := commonType(lt, rt)
		if !ok || !comparable(t) {
			return nil, typeErr(x, "cannot compare %s %s with %s %s", describe(l), lt, describe(r), rt)
		}
		operand, result = t, arrow.FixedWidthTypes.Boolean
	case x.op.logical():
		for _, v := range []exprNode{l, r} {
			if id := v.dataType().ID(); id != arrow.BOOL && id != arrow.NULL {
				return nil, typeErr(x, "%s has type %s, not bool", describe(v), v.dataType())
			}
		}
		operand, result = arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean
	case x.op == opConcat:
		if l, err = needString(x, l); err != nil {
			return nil, err
		}
		if r, err = needString(x, r); err != nil {
			return nil, err
		}
		operand, result = arrow.BinaryTypes.String, arrow.BinaryTypes.String
	}
	if l, err = coerce(l, operand); err != nil {
		return nil, typeErr(x, "%v", err)
	}
	if r, err = coerce(r, operand); err != nil {
		return nil, typeErr(x, "%v", err)
	}
	return &binaryExpr{op: x.op, l: l, r: r, typ: result}, nil
}

func bindUnary(x *unaryExpr, schema *arrow.Schema) (exprNode, error) {
	v, err := bind(x.x, schema)
	if err != nil {
		return nil, err
	}
	t := v.dataType()
	switch x.op {
	case opNot:
		if t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
			return nil, typeErr(x, "%s has type %s, not bool", describe(v), t)
		}
		if v, err = coerce(v, arrow.FixedWidthTypes.Boolean); err != nil {
			return nil, typeErr(x, "%v", err)
		}
		return &unaryExpr{op: x.op, x: v, typ: arrow.FixedWidthTypes.Boolean}, nil
	case opIsNull, opIsNotNull:
		return &unaryExpr{op: x.op, x: v, typ: arrow.FixedWidthTypes.Boolean}, nil
	case opLower, opUpper:
		if v, err = needString(x, v); err != nil {
			return nil, err
		}
		return &unaryExpr{op: x.op, x: v, typ: arrow.BinaryTypes.String}, nil
	case opLength:
		if v, err = needString(x, v); err != nil {
			return nil, err
		}
		return &unaryExpr{op: x.op, x: v, typ: arrow.PrimitiveTypes.Int64}, nil
	}
	// Temporal parts.
	switch t.ID() {
	case arrow.TIMESTAMP:
	case arrow.DATE32:
		if x.op == opHour || x.op == opMinute || x.op == opSecond {
			return nil, typeErr(x, "%s has type date32, which has no %s (cast it to a timestamp)", describe(v), x.op)
		}
	default:
		return nil, typeErr(x, "%s has type %s, not a date or timestamp", describe(v), t)
	}
	return &unaryExpr{op: x.op, x: v, typ: arrow.PrimitiveTypes.Int64}, nil
}

// coerce returns n converted to t: itself when it has type t, a converted
// literal, or an implicit cast.
func coerce(n exprNode, t arrow.DataType) (exprNode, error) {
	if arrow.TypeEqual(n.dataType(), t) {
		return n, nil
	}
	if l, ok := n.(*litExpr); ok {
		return convertLit(l, t)
	}
	if !castable(n.dataType(), t) {
		return nil, fmt.Errorf("cannot convert %s %s to %s", describe(n), n.dataType(), t)
	}
	return &castExpr{x: n, to: t, implicit: true}, nil
}

// convertLit converts a literal to type t at plan time.
func convertLit(l *litExpr, t arrow.DataType) (*litExpr, error) {
	if l.val == nil {
		return &litExpr{val: nil, typ: t}, nil
	}
	bad := func() (*litExpr, error) {
		return nil, fmt.Errorf("cannot convert literal %s to %s", l, t)
	}
	switch v := l.val.(type) {
	case int64:
		switch {
		case isInteger(t):
			return &litExpr{val: v, typ: arrow.PrimitiveTypes.Int64}, nil
		case isFloat(t):
			return &litExpr{val: float64(v), typ: arrow.PrimitiveTypes.Float64}, nil
		}
	case float64:
		if isFloat(t) {
			return &litExpr{val: v, typ: arrow.PrimitiveTypes.Float64}, nil
		}
	case string:
		if isString(t) {
			return &litExpr{val: v, typ: arrow.BinaryTypes.String}, nil
		}
	case bool:
		if t.ID() == arrow.BOOL {
			return l, nil
		}
	case time.Time:
		switch tt := t.(type) {
		case *arrow.TimestampType:
			return &litExpr{val: v, typ: tt}, nil
		case *arrow.Date32Type:
			if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
				return &litExpr{val: v, typ: tt}, nil
			}
		}
	}
	return bad()
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isFloat(t arrow.DataType) bool {
	id := t.ID()
	return id == arrow.FLOAT32 || id == arrow.FLOAT64
}

func isNumeric(t arrow.DataType) bool { return isInteger(t) || isFloat(t) }

func isString(t arrow.DataType) bool {
	id := t.ID()
	return id == arrow.STRING || id == arrow.LARGE_STRING
}

func isTemporal(t arrow.DataType) bool {
	id := t.ID()
	return id == arrow.DATE32 || id == arrow.TIMESTAMP
}

// computable reports whether expressions compute on values of type t.
func computable(t arrow.DataType) bool {
	return isNumeric(t) || isString(t) || isTemporal(t) || t.ID() == arrow.BOOL || t.ID() == arrow.NULL
}

// comparable reports whether Compare takes operands of type t.
func comparable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT64, arrow.FLOAT64, arrow.STRING, arrow.BOOL, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

// commonType is the type two operands compute in: int64 for integers,
// float64 when either is floating point, string, bool, date32, a timestamp
// (a date beside a timestamp becomes one); a null adopts the other's type.
func commonType(a, b arrow.DataType) (arrow.DataType, bool) {
	if a.ID() == arrow.NULL && b.ID() == arrow.NULL {
		return arrow.FixedWidthTypes.Boolean, true
	}
	if a.ID() == arrow.NULL {
		a = b
	}
	if b.ID() == arrow.NULL {
		b = a
	}
	switch {
	case isNumeric(a) && isNumeric(b):
		if isFloat(a) || isFloat(b) {
			return arrow.PrimitiveTypes.Float64, true
		}
		return arrow.PrimitiveTypes.Int64, true
	case isString(a) && isString(b):
		return arrow.BinaryTypes.String, true
	case a.ID() == arrow.BOOL && b.ID() == arrow.BOOL:
		return a, true
	case a.ID() == arrow.DATE32 && b.ID() == arrow.DATE32:
		return a, true
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.TIMESTAMP:
		ta, tb := a.(*arrow.TimestampType), b.(*arrow.TimestampType)
		if ta.Unit >= tb.Unit {
			return ta, true
		}
		return tb, true
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.DATE32:
		return a, true
	case a.ID() == arrow.DATE32 && b.ID() == arrow.TIMESTAMP:
		return b, true
	}
	return nil, false
}

// castable reports whether Cast converts values of type from to type to.
func castable(from, to arrow.DataType) bool {
	if from.ID() == arrow.NULL {
		return computable(to)
	}
	if !computable(from) || !computable(to) || to.ID() == arrow.NULL {
		return false
	}
	switch {
	case isString(to) || isString(from):
		return true
	case isNumeric(from) && isNumeric(to):
		return true
	case from.ID() == arrow.BOOL && isNumeric(to), isNumeric(from) && to.ID() == arrow.BOOL:
		return true
	case isTemporal(from) && isTemporal(to):
		return true
	}
	return false
}
