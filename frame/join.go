package frame

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// JoinType is the kind of a join.
type JoinType uint8

const (
	// Inner keeps the pairs of rows whose keys are equal.
	Inner JoinType = iota
	// Left keeps every left row: with each matching right row, or once
	// with nulls for the right columns.
	Left
	// Right keeps every right row likewise.
	Right
	// Outer keeps the rows of both sides: matched pairs, and the
	// unmatched rows of each side with nulls for the other's columns.
	Outer
	// Semi keeps the left rows that have a match, once each, with the
	// left columns only.
	Semi
	// Anti keeps the left rows that have no match, with the left columns.
	Anti
)

func (j JoinType) String() string {
	return [...]string{"inner", "left", "right", "outer", "semi", "anti"}[j]
}

// JoinStrategy is how a join meets the rows of its two sides.
type JoinStrategy uint8

const (
	// JoinAuto broadcasts a right side of one partition (at most one
	// 64 MiB block of input) and shuffles otherwise.
	JoinAuto JoinStrategy = iota
	// JoinBroadcast builds a hash table of the whole right side in every
	// task that probes a left partition: no shuffle. Not for Right and
	// Outer joins, whose unmatched right rows need one owner.
	JoinBroadcast
	// JoinShuffle hash-partitions both sides by key into buckets and
	// joins bucket by bucket.
	JoinShuffle
)

// JoinOptions are the settings of JoinWith.
type JoinOptions struct {
	How JoinType
	// Left and Right are the key columns of each side, in pairs; the
	// types of a pair must be equal, or both integers (joined as int64),
	// or both floats (as float64).
	Left, Right []string
	// Suffix is added to the names of right columns that clash with left
	// ones ("_right" when empty).
	Suffix   string
	Strategy JoinStrategy
}

// Join joins f with right on key columns of the same names on both sides.
// Null keys never match. The result has f's columns then right's columns
// other than its keys; for Right and Outer joins the key columns hold
// whichever side's key is present. Semi and Anti joins keep f's columns
// only. Row order is not kept.
func (f *Frame) Join(right *Frame, how JoinType, on ...string) *Frame {
	return f.JoinWith(right, JoinOptions{How: how, Left: on, Right: on})
}

// JoinWith joins f with right as the options say.
func (f *Frame) JoinWith(right *Frame, o JoinOptions) *Frame {
	if f.Err() != nil {
		return f
	}
	if right.Err() != nil {
		return right
	}
	op := fmt.Sprintf("%s join on %s", o.How, strings.Join(o.Left, ", "))
	if len(o.Left) == 0 || len(o.Left) != len(o.Right) {
		return failed(fmt.Errorf("frame: %s: %d left and %d right key columns (want the same number, at least one)", op, len(o.Left), len(o.Right)))
	}
	if o.How > Anti {
		return failed(fmt.Errorf("frame: join: unknown join type %d", o.How))
	}
	if o.Strategy == JoinBroadcast && (o.How == Right || o.How == Outer) {
		return failed(fmt.Errorf("frame: %s: a broadcast join cannot keep unmatched right rows (use JoinShuffle)", op))
	}
	suffix := o.Suffix
	if suffix == "" {
		suffix = "_right"
	}
	ls, rs := f.plan.schema(), right.plan.schema()
	lin, rin := f.plan, right.plan
	var lcast, rcast []Expr
	for i := range o.Left {
		li, err := columnIndex(ls, o.Left[i])
		if err != nil {
			return failed(fmt.Errorf("frame: %s: left side: %w", op, err))
		}
		ri, err := columnIndex(rs, o.Right[i])
		if err != nil {
			return failed(fmt.Errorf("frame: %s: right side: %w", op, err))
		}
		lt, rt := ls.Field(li).Type, rs.Field(ri).Type
		if arrow.TypeEqual(lt, rt) {
			continue
		}
		var common arrow.DataType
		switch {
		case arrow.IsInteger(lt.ID()) && arrow.IsInteger(rt.ID()):
			common = arrow.PrimitiveTypes.Int64
		case arrow.IsFloating(lt.ID()) && arrow.IsFloating(rt.ID()):
			common = arrow.PrimitiveTypes.Float64
		default:
			return failed(fmt.Errorf("frame: %s: key %q is %s on the left and %q is %s on the right, which cannot be compared: %w", op, o.Left[i], lt, o.Right[i], rt, ErrType))
		}
		if !arrow.TypeEqual(lt, common) {
			lcast = append(lcast, Col(o.Left[i]).Cast(common).As(o.Left[i]))
		}
		if !arrow.TypeEqual(rt, common) {
			rcast = append(rcast, Col(o.Right[i]).Cast(common).As(o.Right[i]))
		}
	}
	if len(lcast) > 0 {
		lf := (&Frame{plan: lin}).WithColumns(lcast...)
		if lf.Err() != nil {
			return lf
		}
		lin, ls = lf.plan, lf.plan.schema()
	}
	if len(rcast) > 0 {
		rf := (&Frame{plan: rin}).WithColumns(rcast...)
		if rf.Err() != nil {
			return rf
		}
		rin, rs = rf.plan, rf.plan.schema()
	}
	// output: the left columns, then the right ones but its keys
	fields := slices.Clone(ls.Fields())
	var rkeep []string
	if o.How != Semi && o.How != Anti {
		names := map[string]bool{}
		for _, fl := range fields {
			names[fl.Name] = true
		}
		for _, fl := range rs.Fields() {
			if slices.Contains(o.Right, fl.Name) {
				continue
			}
			rkeep = append(rkeep, fl.Name)
			if names[fl.Name] {
				fl.Name += suffix
				if names[fl.Name] {
					return failed(fmt.Errorf("frame: %s: right column %q clashes even with suffix %q", op, fl.Name, suffix))
				}
			}
			names[fl.Name] = true
			fields = append(fields, fl)
		}
		if o.How == Right || o.How == Outer || o.How == Left {
			for i := range fields {
				fields[i].Nullable = true
			}
		}
	}
	return &Frame{plan: &joinNode{left: lin, right: rin, how: o.How, lkeys: slices.Clone(o.Left), rkeys: slices.Clone(o.Right),
		rkeep: rkeep, strategy: o.Strategy, out: arrow.NewSchema(fields, nil)}}
}

// joinNode joins two inputs on key columns.
type joinNode struct {
	left, right  node
	how          JoinType
	lkeys, rkeys []string
	rkeep        []string // the right columns in the output (by their input names)
	strategy     JoinStrategy
	out          *arrow.Schema
}

func (j *joinNode) schema() *arrow.Schema { return j.out }
func (j *joinNode) inputs() []node        { return []node{j.left, j.right} }
func (j *joinNode) withInputs(in []node) node {
	c := *j
	c.left, c.right = in[0], in[1]
	return &c
}
func (j *joinNode) planNode() {}
func (j *joinNode) String() string {
	s := fmt.Sprintf("Join %s left=[%s] right=[%s]", j.how, strings.Join(j.lkeys, ", "), strings.Join(j.rkeys, ", "))
	if j.strategy != JoinAuto {
		s += " strategy=" + [...]string{"auto", "broadcast", "shuffle"}[j.strategy]
	}
	return s
}
