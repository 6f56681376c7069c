package agg

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Kind names an aggregation.
type Kind uint8

const (
	Sum           Kind = iota + 1
	Mean               // arithmetic mean, float64
	Min                // smallest non-null value (NaN is greater than every number)
	Max                // greatest non-null value (NaN if any value is NaN)
	Count              // non-null values
	CountRows          // rows, nulls included; no input column
	CountDistinct      // distinct non-null values (NaN counts once, -0 equals +0)
	First              // non-null value of the earliest row
	Last               // non-null value of the latest row
	Var                // variance with DDof delta degrees of freedom
	Std                // square root of Var
	Median             // Quantile 0.5
	Quantile           // exact quantile Q, linear interpolation between closest ranks
	Corr               // Pearson correlation of two input columns
	Any                // some non-null value is true
	All                // every non-null value is true
)

var kindNames = [...]string{
	Sum: "sum", Mean: "mean", Min: "min", Max: "max", Count: "count",
	CountRows: "count_rows", CountDistinct: "count_distinct", First: "first",
	Last: "last", Var: "var", Std: "std", Median: "median", Quantile: "quantile",
	Corr: "corr", Any: "any", All: "all",
}

// String returns the kind's lower-case name, as used in error messages.
func (k Kind) String() string {
	if k >= Sum && k <= All {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Spec is one aggregation: its kind and the kind's parameters.
type Spec struct {
	Kind Kind
	DDof int     // Var, Std: delta degrees of freedom (0 population, 1 sample)
	Q    float64 // Quantile, in [0, 1]
}

// Acc accumulates one aggregation for many groups. Not safe for concurrent
// use. The arrays passed to Update and Merge are borrowed for the call only.
type Acc interface {
	// Update folds rows into groups: ids[i] is row i's group (-1: skip),
	// ngroups the number of groups so far (states grow to it; every id must
	// be below the largest ngroups given so far, or Update panics). cols
	// holds the input columns, each of len(ids) rows (none for CountRows).
	// base is the global position of row 0 (for First/Last order).
	Update(ids []int32, ngroups int, cols []arrow.Array, base int64) error
	// Merge folds partial states (as returned by State, in the same column
	// order) into groups: ids[i] is the group of state row i (-1: skip).
	Merge(ids []int32, ngroups int, states []arrow.Array) error
	// State returns the partial states of groups [0, ngroups) as new arrays
	// from mem (caller releases). The accumulator is left unchanged.
	State(mem memory.Allocator) ([]arrow.Array, error)
	// Final returns the final values of groups [0, ngroups) as a new array
	// from mem (caller releases), following SQL: a group with no non-null
	// input gets null from every kind but Count and CountDistinct (0) and
	// CountRows (its rows); Var and Std are null when n - ddof <= 0, Corr
	// when n < 2 or a variance is 0. The accumulator is left unchanged.
	Final(mem memory.Allocator) (arrow.Array, error)
	// Release drops the states; later calls return an error.
	Release()
}

// errReleased is returned by every method of a released Acc.
var errReleased = errors.New("agg: accumulator used after Release")

// typeName is the name of dt in error messages.
func typeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.STRING:
		return "string"
	case arrow.LARGE_STRING:
		return "large_string"
	}
	return dt.String()
}

func isNumeric(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// isOrdered reports whether dt is an input of Min, Max, First, Last, Count
// and CountDistinct: numeric, bool, string, large_string, date32, date64 or
// timestamp.
func isOrdered(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.STRING, arrow.LARGE_STRING, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return true
	}
	return isNumeric(dt)
}

// sumType is the type of Sum over dt: int64, uint64 or float64.
func sumType(dt arrow.DataType) arrow.DataType {
	switch dt.ID() {
	case arrow.FLOAT32, arrow.FLOAT64:
		return arrow.PrimitiveTypes.Float64
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return arrow.PrimitiveTypes.Uint64
	}
	return arrow.PrimitiveTypes.Int64
}

// Check returns the result type of spec over inputs of these types, or an
// error naming the kind and the type (e.g. "agg: sum of a string column").
func Check(spec Spec, inputs []arrow.DataType) (arrow.DataType, error) {
	k := spec.Kind
	if k < Sum || k > All {
		return nil, fmt.Errorf("agg: unknown aggregation %s", k)
	}
	want := 1
	switch k {
	case CountRows:
		want = 0
	case Corr:
		want = 2
	}
	if len(inputs) != want {
		s := "s"
		if want == 1 {
			s = ""
		}
		return nil, fmt.Errorf("agg: %s takes %d input column%s, got %d", k, want, s, len(inputs))
	}
	for i, dt := range inputs {
		if dt == nil {
			return nil, fmt.Errorf("agg: %s: input %d has no type", k, i)
		}
	}
	switch {
	case (k == Var || k == Std) && spec.DDof < 0:
		return nil, fmt.Errorf("agg: %s with ddof %d < 0", k, spec.DDof)
	case k == Quantile && !(spec.Q >= 0 && spec.Q <= 1):
		return nil, fmt.Errorf("agg: quantile q=%v outside [0, 1]", spec.Q)
	}
	unsupported := func(dt arrow.DataType) error {
		return fmt.Errorf("agg: %s of a %s column", k, typeName(dt))
	}
	switch k {
	case CountRows:
		return arrow.PrimitiveTypes.Int64, nil
	case Sum:
		if !isNumeric(inputs[0]) {
			return nil, unsupported(inputs[0])
		}
		return sumType(inputs[0]), nil
	case Mean, Var, Std, Median, Quantile, Corr:
		for _, dt := range inputs {
			if !isNumeric(dt) {
				return nil, unsupported(dt)
			}
		}
		return arrow.PrimitiveTypes.Float64, nil
	case Min, Max, First, Last:
		if !isOrdered(inputs[0]) {
			return nil, unsupported(inputs[0])
		}
		return inputs[0], nil
	case Count, CountDistinct:
		if !isOrdered(inputs[0]) {
			return nil, unsupported(inputs[0])
		}
		return arrow.PrimitiveTypes.Int64, nil
	default: // Any, All
		if inputs[0].ID() != arrow.BOOL {
			return nil, unsupported(inputs[0])
		}
		return arrow.FixedWidthTypes.Boolean, nil
	}
}

// StateTypes returns the Arrow types of the partial-state columns of spec;
// the layouts are described in the package documentation.
func StateTypes(spec Spec, inputs []arrow.DataType) ([]arrow.DataType, error) {
	if _, err := Check(spec, inputs); err != nil {
		return nil, err
	}
	i64, f64 := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64
	switch spec.Kind {
	case Sum:
		return []arrow.DataType{sumType(inputs[0])}, nil
	case Mean:
		return []arrow.DataType{f64, i64}, nil
	case Min, Max:
		return []arrow.DataType{inputs[0]}, nil
	case Count, CountRows:
		return []arrow.DataType{i64}, nil
	case CountDistinct:
		return []arrow.DataType{arrow.ListOf(inputs[0])}, nil
	case First, Last:
		return []arrow.DataType{inputs[0], i64}, nil
	case Var, Std:
		return []arrow.DataType{i64, f64, f64}, nil
	case Median, Quantile:
		return []arrow.DataType{arrow.ListOf(f64)}, nil
	case Corr:
		return []arrow.DataType{i64, f64, f64, f64, f64, f64}, nil
	default: // Any, All
		return []arrow.DataType{arrow.FixedWidthTypes.Boolean}, nil
	}
}

// kernel is the per-kind part of an Acc. The Acc checks the arguments and
// grows the kernel's states before calling it; n is the number of groups.
type kernel interface {
	grow(n int)
	update(ids []int32, cols []arrow.Array, base int64)
	merge(ids []int32, states []arrow.Array)
	state(mem memory.Allocator, n int) ([]arrow.Array, error)
	final(mem memory.Allocator, n int) (arrow.Array, error)
}

// acc is the Acc of every kind: argument checks around a kernel.
type acc struct {
	spec   Spec
	inputs []arrow.DataType
	states []arrow.DataType
	n      int
	k      kernel
}

// New returns an empty accumulator of spec over inputs of these types. The
// states are Go slices, so mem is not used for them; State and Final
// allocate their results from the allocator they are given.
func New(spec Spec, inputs []arrow.DataType, mem memory.Allocator) (Acc, error) {
	if _, err := Check(spec, inputs); err != nil {
		return nil, err
	}
	states, err := StateTypes(spec, inputs)
	if err != nil {
		return nil, err
	}
	a := &acc{spec: spec, inputs: append([]arrow.DataType(nil), inputs...), states: states}
	switch spec.Kind {
	case Count, CountRows:
		a.k = &countK{}
	case Var, Std:
		a.k = &varK{ddof: spec.DDof, std: spec.Kind == Std}
	case Median:
		a.k = &quantK{q: 0.5}
	case Quantile:
		a.k = &quantK{q: spec.Q}
	case Corr:
		a.k = &corrK{}
	default:
		a.k = newTyped(spec.Kind, inputs[0])
	}
	return a, nil
}

// newTyped returns the kernel of Sum, Mean, Min, Max, First, Last,
// CountDistinct, Any or All over dt, instantiated for dt's Go type.
func newTyped(k Kind, dt arrow.DataType) kernel {
	switch dt.ID() {
	case arrow.INT8:
		return newFixed[int8](k, dt)
	case arrow.INT16:
		return newFixed[int16](k, dt)
	case arrow.INT32, arrow.DATE32:
		return newFixed[int32](k, dt)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		return newFixed[int64](k, dt)
	case arrow.UINT8, arrow.BOOL:
		return newFixed[uint8](k, dt)
	case arrow.UINT16:
		return newFixed[uint16](k, dt)
	case arrow.UINT32:
		return newFixed[uint32](k, dt)
	case arrow.UINT64:
		return newFixed[uint64](k, dt)
	case arrow.FLOAT32:
		return newFixed[float32](k, dt)
	case arrow.FLOAT64:
		return newFixed[float64](k, dt)
	case arrow.STRING:
		return newString[int32](k, dt)
	default: // LARGE_STRING
		return newString[int64](k, dt)
	}
}

func checkCols(op string, ids []int32, cols []arrow.Array, types []arrow.DataType) error {
	if len(cols) != len(types) {
		return fmt.Errorf("agg: %s got %d columns, want %d", op, len(cols), len(types))
	}
	for i, c := range cols {
		if c == nil {
			return fmt.Errorf("agg: %s: column %d is nil", op, i)
		}
		if c.Len() != len(ids) {
			return fmt.Errorf("agg: %s: column %d has %d rows, want %d (the ids)", op, i, c.Len(), len(ids))
		}
		if !sameType(c.DataType(), types[i]) {
			return fmt.Errorf("agg: %s: column %d is %s, want %s", op, i, c.DataType(), types[i])
		}
	}
	return nil
}

// sameType reports whether a and b are the same input or state type, like
// arrow.TypeEqual but without allocating.
func sameType(a, b arrow.DataType) bool {
	if a.ID() != b.ID() {
		return false
	}
	switch a := a.(type) {
	case *arrow.TimestampType:
		b := b.(*arrow.TimestampType)
		return a.Unit == b.Unit && a.TimeZone == b.TimeZone
	case *arrow.ListType:
		return sameType(a.Elem(), b.(*arrow.ListType).Elem())
	}
	return true
}

func (a *acc) grow(ngroups int) error {
	if ngroups < 0 || ngroups > math.MaxInt32+1 {
		return fmt.Errorf("agg: %d groups outside [0, 2^31]", ngroups)
	}
	if ngroups > a.n {
		a.k.grow(ngroups)
		a.n = ngroups
	}
	return nil
}

func (a *acc) Update(ids []int32, ngroups int, cols []arrow.Array, base int64) error {
	if a.k == nil {
		return errReleased
	}
	if err := checkCols("update", ids, cols, a.inputs); err != nil {
		return err
	}
	if err := a.grow(ngroups); err != nil {
		return err
	}
	if len(ids) > 0 {
		a.k.update(ids, cols, base)
	}
	return nil
}

func (a *acc) Merge(ids []int32, ngroups int, states []arrow.Array) error {
	if a.k == nil {
		return errReleased
	}
	if err := checkCols("merge", ids, states, a.states); err != nil {
		return err
	}
	if err := a.grow(ngroups); err != nil {
		return err
	}
	if len(ids) > 0 {
		a.k.merge(ids, states)
	}
	return nil
}

func (a *acc) State(mem memory.Allocator) ([]arrow.Array, error) {
	if a.k == nil {
		return nil, errReleased
	}
	return a.k.state(mem, a.n)
}

func (a *acc) Final(mem memory.Allocator) (arrow.Array, error) {
	if a.k == nil {
		return nil, errReleased
	}
	return a.k.final(mem, a.n)
}

func (a *acc) Release() { a.k = nil }
