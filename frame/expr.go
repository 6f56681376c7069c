package frame

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// An Expr is a column expression: a column, a literal, or an operation on
// expressions. Exprs are immutable values built without a schema; a frame
// operation (Filter, WithColumns, Select) checks an Expr against its input's
// schema and records an error naming the expression and the column when it
// does not fit. The zero Expr is invalid.
//
// Types follow SQL: integers of any width compute as int64, floating point
// as float64; Div always gives float64; comparisons give bool; a null
// operand gives a null result, except in And and Or (three-valued logic:
// false AND null is false, true OR null is true), IsNull, IsNotNull and
// FillNull. Integer overflow wraps; an integer Mod by zero is null; floating
// point follows IEEE 754 (division by zero gives ±Inf or NaN).
type Expr struct {
	n exprNode
}

// exprNode is the sealed interface of expression nodes. A node built by the
// user has no type; bind returns a copy whose every node knows its type.
type exprNode interface {
	// String is the expression in the form EXPLAIN and errors show.
	String() string
	// children returns the operand nodes.
	children() []exprNode
	// withChildren returns a copy with the operands replaced.
	withChildren(cs []exprNode) exprNode
	// dataType is the result type, nil before binding.
	dataType() arrow.DataType
}

// Col names a column of the frame the expression is used on.
func Col(name string) Expr { return Expr{&colExpr{name: name}} }

// Lit is a constant: an int (of any width, as int64), a float (as float64),
// a string, a bool, a time.Time (as a timestamp in microseconds, UTC) or nil
// (a null of whatever type the other operand has). Any other Go value gives
// an error when the expression is used.
func Lit(v any) Expr {
	l, err := newLit(v)
	if err != nil {
		return Expr{&badExpr{err: err}}
	}
	return Expr{l}
}

// String is the expression as EXPLAIN shows it.
func (e Expr) String() string {
	if e.n == nil {
		return "<invalid>"
	}
	return e.n.String()
}

func (e Expr) node() exprNode {
	if e.n == nil {
		return &badExpr{err: fmt.Errorf("the zero Expr is not an expression")}
	}
	return e.n
}

func (e Expr) binary(op binOp, o Expr) Expr {
	return Expr{&binaryExpr{op: op, l: e.node(), r: o.node()}}
}

func (e Expr) unary(op unOp) Expr { return Expr{&unaryExpr{op: op, x: e.node()}} }

// Add is e + o.
func (e Expr) Add(o Expr) Expr { return e.binary(opAdd, o) }

// Sub is e - o.
func (e Expr) Sub(o Expr) Expr { return e.binary(opSub, o) }

// Mul is e * o.
func (e Expr) Mul(o Expr) Expr { return e.binary(opMul, o) }

// Div is e / o, always as float64.
func (e Expr) Div(o Expr) Expr { return e.binary(opDiv, o) }

// Mod is the remainder of e / o, with the sign of e; null for an integer
// divisor of zero.
func (e Expr) Mod(o Expr) Expr { return e.binary(opMod, o) }

// Neg is -e.
func (e Expr) Neg() Expr { return Lit(0).Sub(e) }

// Eq is e = o.
func (e Expr) Eq(o Expr) Expr { return e.binary(opEq, o) }

// Ne is e != o.
func (e Expr) Ne(o Expr) Expr { return e.binary(opNe, o) }

// Lt is e < o.
func (e Expr) Lt(o Expr) Expr { return e.binary(opLt, o) }

// Le is e <= o.
func (e Expr) Le(o Expr) Expr { return e.binary(opLe, o) }

// Gt is e > o.
func (e Expr) Gt(o Expr) Expr { return e.binary(opGt, o) }

// Ge is e >= o.
func (e Expr) Ge(o Expr) Expr { return e.binary(opGe, o) }

// And is the SQL conjunction of two booleans.
func (e Expr) And(o Expr) Expr { return e.binary(opAnd, o) }

// Or is the SQL disjunction of two booleans.
func (e Expr) Or(o Expr) Expr { return e.binary(opOr, o) }

// Not is the negation of a boolean (null stays null).
func (e Expr) Not() Expr { return e.unary(opNot) }

// IsNull is true where e is null; it is never null itself.
func (e Expr) IsNull() Expr { return e.unary(opIsNull) }

// IsNotNull is true where e is not null; it is never null itself.
func (e Expr) IsNotNull() Expr { return e.unary(opIsNotNull) }

// FillNull replaces the nulls of e by fill, which must have e's type (a
// literal adapts to it).
func (e Expr) FillNull(fill Expr) Expr { return Expr{&fillNullExpr{x: e.node(), fill: fill.node()}} }

// Cast converts e to the type to. A value that cannot be converted (a string
// that is not a number, a float out of an integer's range) stops the
// computation with an error naming the row's value.
func (e Expr) Cast(to arrow.DataType) Expr { return Expr{&castExpr{x: e.node(), to: to}} }

// As names the expression's result column.
func (e Expr) As(name string) Expr { return Expr{&aliasExpr{x: e.node(), name: name}} }

// Contains is true where the string e contains the substring s.
func (e Expr) Contains(s string) Expr {
	return Expr{&matchExpr{op: matchContains, x: e.node(), pattern: s}}
}

// StartsWith is true where the string e starts with s.
func (e Expr) StartsWith(s string) Expr {
	return Expr{&matchExpr{op: matchStarts, x: e.node(), pattern: s}}
}

// EndsWith is true where the string e ends with s.
func (e Expr) EndsWith(s string) Expr {
	return Expr{&matchExpr{op: matchEnds, x: e.node(), pattern: s}}
}

// Lower is the string e in lower case (Unicode).
func (e Expr) Lower() Expr { return e.unary(opLower) }

// Upper is the string e in upper case (Unicode).
func (e Expr) Upper() Expr { return e.unary(opUpper) }

// Length is the number of characters (runes) of the string e, as int64.
func (e Expr) Length() Expr { return e.unary(opLength) }

// Substring is the part of the string e that starts at the 1-based
// character position start and has at most length characters (SQL's
// substring). Positions before the first character and lengths past the
// end are clamped; a negative length is an error.
func (e Expr) Substring(start, length int64) Expr {
	return Expr{&substrExpr{x: e.node(), start: start, length: length}}
}

// Concat appends the string o to the string e.
func (e Expr) Concat(o Expr) Expr { return e.binary(opConcat, o) }

// Year is the year of a date or timestamp, as int64.
func (e Expr) Year() Expr { return e.unary(opYear) }

// Month is the month (1-12) of a date or timestamp.
func (e Expr) Month() Expr { return e.unary(opMonth) }

// Day is the day of the month (1-31) of a date or timestamp.
func (e Expr) Day() Expr { return e.unary(opDay) }

// Hour is the hour (0-23) of a timestamp.
func (e Expr) Hour() Expr { return e.unary(opHour) }

// Minute is the minute (0-59) of a timestamp.
func (e Expr) Minute() Expr { return e.unary(opMinute) }

// Second is the second (0-59) of a timestamp.
func (e Expr) Second() Expr { return e.unary(opSecond) }

// Weekday is the day of the week of a date or timestamp: 0 for Sunday to 6
// for Saturday, as time.Weekday counts.
func (e Expr) Weekday() Expr { return e.unary(opWeekday) }

// DayOfYear is the day of the year (1-366) of a date or timestamp.
func (e Expr) DayOfYear() Expr { return e.unary(opDayOfYear) }

// binOp is the operator of a binaryExpr.
type binOp int

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
	opMod
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAnd
	opOr
	opConcat
)

var binOpNames = [...]string{"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "AND", "OR", "||"}

func (op binOp) String() string { return binOpNames[op] }

func (op binOp) arithmetic() bool { return op <= opMod }
func (op binOp) comparison() bool { return op >= opEq && op <= opGe }
func (op binOp) logical() bool    { return op == opAnd || op == opOr }

// unOp is the operator of a unaryExpr.
type unOp int

const (
	opNot unOp = iota
	opIsNull
	opIsNotNull
	opLower
	opUpper
	opLength
	opYear
	opMonth
	opDay
	opHour
	opMinute
	opSecond
	opWeekday
	opDayOfYear
)

var unOpNames = [...]string{"NOT", "is_null", "is_not_null", "lower", "upper", "length",
	"year", "month", "day", "hour", "minute", "second", "weekday", "day_of_year"}

func (op unOp) String() string { return unOpNames[op] }

func (op unOp) temporal() bool { return op >= opYear }

// matchOp is the kind of a matchExpr.
type matchOp int

const (
	matchContains matchOp = iota
	matchStarts
	matchEnds
)

var matchOpNames = [...]string{"contains", "starts_with", "ends_with"}

type colExpr struct {
	name string
	typ  arrow.DataType
}

func (c *colExpr) String() string {
	if isPlainName(c.name) {
		return c.name
	}
	return strconv.Quote(c.name)
}
func (c *colExpr) children() []exprNode                { return nil }
func (c *colExpr) withChildren(cs []exprNode) exprNode { return c }
func (c *colExpr) dataType() arrow.DataType            { return c.typ }

// isPlainName reports whether a column name shows without quotes: a letter
// or underscore, then letters, digits and underscores.
func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// litExpr is a constant. val is normalised: int64, float64, string, bool,
// time.Time, or nil for null. typ is the literal's own type until binding
// adapts it (an int literal beside a float column becomes float64).
type litExpr struct {
	val any
	typ arrow.DataType
}

func newLit(v any) (*litExpr, error) {
	switch x := v.(type) {
	case nil:
		return &litExpr{val: nil, typ: arrow.Null}, nil
	case int:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case int8:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case int16:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case int32:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case int64:
		return &litExpr{val: x, typ: arrow.PrimitiveTypes.Int64}, nil
	case uint8:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case uint16:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case uint32:
		return &litExpr{val: int64(x), typ: arrow.PrimitiveTypes.Int64}, nil
	case float32:
		return &litExpr{val: float64(x), typ: arrow.PrimitiveTypes.Float64}, nil
	case float64:
		return &litExpr{val: x, typ: arrow.PrimitiveTypes.Float64}, nil
	case string:
		return &litExpr{val: x, typ: arrow.BinaryTypes.String}, nil
	case bool:
		return &litExpr{val: x, typ: arrow.FixedWidthTypes.Boolean}, nil
	case time.Time:
		return &litExpr{val: x.UTC(), typ: timestampUS}, nil
	}
	return nil, fmt.Errorf("frame: Lit(%v): unsupported literal type %T (use int64, float64, string, bool, time.Time or nil)", v, v)
}

// timestampUS is the type of time.Time literals.
var timestampUS = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

func (l *litExpr) String() string {
	switch v := l.val.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		return s
	case time.Time:
		if _, ok := l.typ.(*arrow.Date32Type); ok {
			return "date '" + v.Format("2006-01-02") + "'"
		}
		return "timestamp '" + v.Format("2006-01-02 15:04:05.999999") + "'"
	}
	return fmt.Sprint(l.val)
}
func (l *litExpr) children() []exprNode                { return nil }
func (l *litExpr) withChildren(cs []exprNode) exprNode { return l }
func (l *litExpr) dataType() arrow.DataType            { return l.typ }

type binaryExpr struct {
	op   binOp
	l, r exprNode
	typ  arrow.DataType
}

func (b *binaryExpr) String() string {
	return "(" + b.l.String() + " " + b.op.String() + " " + b.r.String() + ")"
}
func (b *binaryExpr) children() []exprNode { return []exprNode{b.l, b.r} }
func (b *binaryExpr) withChildren(cs []exprNode) exprNode {
	c := *b
	c.l, c.r = cs[0], cs[1]
	return &c
}
func (b *binaryExpr) dataType() arrow.DataType { return b.typ }

type unaryExpr struct {
	op  unOp
	x   exprNode
	typ arrow.DataType
}

func (u *unaryExpr) String() string {
	if u.op == opNot {
		return "(NOT " + u.x.String() + ")"
	}
	return u.op.String() + "(" + u.x.String() + ")"
}
func (u *unaryExpr) children() []exprNode { return []exprNode{u.x} }
func (u *unaryExpr) withChildren(cs []exprNode) exprNode {
	c := *u
	c.x = cs[0]
	return &c
}
func (u *unaryExpr) dataType() arrow.DataType { return u.typ }

type fillNullExpr struct {
	x, fill exprNode
	typ     arrow.DataType
}

func (f *fillNullExpr) String() string {
	return "fill_null(" + f.x.String() + ", " + f.fill.String() + ")"
}
func (f *fillNullExpr) children() []exprNode { return []exprNode{f.x, f.fill} }
func (f *fillNullExpr) withChildren(cs []exprNode) exprNode {
	c := *f
	c.x, c.fill = cs[0], cs[1]
	return &c
}
func (f *fillNullExpr) dataType() arrow.DataType { return f.typ }

type castExpr struct {
	x  exprNode
	to arrow.DataType
	// implicit marks casts that binding inserted to make operand types
	// agree; EXPLAIN shows them like the others.
	implicit bool
}

func (c *castExpr) String() string {
	to := "<nil>"
	if c.to != nil {
		to = c.to.String()
	}
	return "cast(" + c.x.String() + " as " + to + ")"
}
func (c *castExpr) children() []exprNode { return []exprNode{c.x} }
func (c *castExpr) withChildren(cs []exprNode) exprNode {
	n := *c
	n.x = cs[0]
	return &n
}
func (c *castExpr) dataType() arrow.DataType {
	if c.x.dataType() == nil {
		return nil
	}
	return c.to
}

type aliasExpr struct {
	x    exprNode
	name string
}

func (a *aliasExpr) String() string       { return a.x.String() + " AS " + (&colExpr{name: a.name}).String() }
func (a *aliasExpr) children() []exprNode { return []exprNode{a.x} }
func (a *aliasExpr) withChildren(cs []exprNode) exprNode {
	n := *a
	n.x = cs[0]
	return &n
}
func (a *aliasExpr) dataType() arrow.DataType { return a.x.dataType() }

type matchExpr struct {
	op      matchOp
	x       exprNode
	pattern string
	typ     arrow.DataType
}

func (m *matchExpr) String() string {
	return matchOpNames[m.op] + "(" + m.x.String() + ", " + strconv.Quote(m.pattern) + ")"
}
func (m *matchExpr) children() []exprNode { return []exprNode{m.x} }
func (m *matchExpr) withChildren(cs []exprNode) exprNode {
	n := *m
	n.x = cs[0]
	return &n
}
func (m *matchExpr) dataType() arrow.DataType { return m.typ }

type substrExpr struct {
	x             exprNode
	start, length int64
	typ           arrow.DataType
}

func (s *substrExpr) String() string {
	return fmt.Sprintf("substring(%s, %d, %d)", s.x, s.start, s.length)
}
func (s *substrExpr) children() []exprNode { return []exprNode{s.x} }
func (s *substrExpr) withChildren(cs []exprNode) exprNode {
	n := *s
	n.x = cs[0]
	return &n
}
func (s *substrExpr) dataType() arrow.DataType { return s.typ }

// badExpr carries an error found while the expression was built (an
// unsupported literal); binding returns it.
type badExpr struct{ err error }

func (b *badExpr) String() string                      { return "<error>" }
func (b *badExpr) children() []exprNode                { return nil }
func (b *badExpr) withChildren(cs []exprNode) exprNode { return b }
func (b *badExpr) dataType() arrow.DataType            { return nil }

// outputName is the name of an expression's result column: its alias, the
// column it names, or its text.
func outputName(n exprNode) string {
	switch x := n.(type) {
	case *aliasExpr:
		return x.name
	case *colExpr:
		return x.name
	case *castExpr:
		if x.implicit {
			return outputName(x.x)
		}
	}
	return n.String()
}

// walk calls fn on n and every node under it, depth first.
func walk(n exprNode, fn func(exprNode)) {
	fn(n)
	for _, c := range n.children() {
		walk(c, fn)
	}
}

// columnsOf returns the names of the columns n reads, each once, in order of
// first appearance.
func columnsOf(n exprNode) []string {
	var out []string
	seen := map[string]bool{}
	walk(n, func(x exprNode) {
		if c, ok := x.(*colExpr); ok && !seen[c.name] {
			seen[c.name] = true
			out = append(out, c.name)
		}
	})
	return out
}

// rewrite returns n with fn applied bottom-up to every node.
func rewrite(n exprNode, fn func(exprNode) exprNode) exprNode {
	cs := n.children()
	if len(cs) > 0 {
		nc := make([]exprNode, len(cs))
		changed := false
		for i, c := range cs {
			nc[i] = rewrite(c, fn)
			changed = changed || nc[i] != c
		}
		if changed {
			n = n.withChildren(nc)
		}
	}
	return fn(n)
}
