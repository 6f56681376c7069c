package scheduler_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
)

// This file holds the random task graphs that the property tests run: a
// deterministic description (dagSpec), a reference evaluation written
// without the scheduler, and values that count their releases.

// dagTask describes one task of a random graph. Its deps are indexes of
// earlier tasks, so the index order is a topological order; a dependency
// may be listed more than once.
type dagTask struct {
	key   graph.Key
	op    string
	token string
	deps  []int
}

// dagSpec describes a random graph. outputs are the task indexes that
// Builder.Output marks; when markOutputs is false none is marked and Build
// makes every task without dependents an output.
type dagSpec struct {
	tasks       []dagTask
	outputs     []int
	markOutputs bool
}

// randomDAG returns a graph of random depth and width, with random fan-in
// and fan-out, duplicated dependency edges, linear chains (which Fuse
// merges), twin tasks with the same token and dependencies (which Dedup
// merges) and one or several outputs, some of them intermediate.
func randomDAG(r *rand.Rand) dagSpec {
	var s dagSpec
	ops := []string{"read", "map", "filter", "sum", "join"}
	add := func(k graph.Key, op, token string, deps []int) int {
		s.tasks = append(s.tasks, dagTask{key: k, op: op, token: token, deps: deps})
		return len(s.tasks) - 1
	}
	layers := 1 + r.IntN(7)
	var prev []int
	for l := range layers {
		width := 1 + r.IntN(10)
		var cur []int
		for j := range width {
			var deps []int
			if l > 0 {
				switch {
				case r.IntN(3) == 0:
					deps = []int{prev[r.IntN(len(prev))]}
				default:
					k := 1 + r.IntN(5)
					for range k {
						if r.IntN(10) < 7 {
							deps = append(deps, prev[r.IntN(len(prev))])
						} else {
							deps = append(deps, r.IntN(len(s.tasks)))
						}
					}
				}
			}
			token := ""
			if r.IntN(10) < 3 {
				token = fmt.Sprintf("tok-%d-%d", l, j)
			}
			op := ops[(l+r.IntN(2))%len(ops)]
			id := add(graph.K(fmt.Sprintf("l%d", l), j), op, token, deps)
			cur = append(cur, id)
			if token != "" && r.IntN(3) == 0 {
				cur = append(cur, add(graph.K(fmt.Sprintf("l%d-twin", l), j), op, token, deps))
			}
			if r.IntN(5) == 0 {
				last := id
				for c := range 1 + r.IntN(4) {
					last = add(graph.K(fmt.Sprintf("l%d-chain%d", l, j), c), "step", "", []int{last})
				}
				cur = append(cur, last)
			}
		}
		prev = cur
	}
	switch r.IntN(3) {
	case 0: // Build chooses: the tasks without dependents
	case 1: // every sink, plus intermediates and repeats
		s.markOutputs = true
		s.outputs = s.sinks()
		for range r.IntN(3) {
			s.outputs = append(s.outputs, r.IntN(len(s.tasks)))
		}
		r.Shuffle(len(s.outputs), func(i, j int) { s.outputs[i], s.outputs[j] = s.outputs[j], s.outputs[i] })
	default: // a few tasks: some of the graph is not needed
		s.markOutputs = true
		for range 1 + r.IntN(4) {
			s.outputs = append(s.outputs, r.IntN(len(s.tasks)))
		}
	}
	if !s.markOutputs {
		s.outputs = s.sinks()
	}
	return s
}

// sinks returns the tasks without dependents, in index order.
func (s *dagSpec) sinks() []int {
	used := make([]bool, len(s.tasks))
	for _, t := range s.tasks {
		for _, d := range t.deps {
			used[d] = true
		}
	}
	var out []int
	for i, u := range used {
		if !u {
			out = append(out, i)
		}
	}
	return out
}

// needed returns which tasks the outputs depend on (or are).
func (s *dagSpec) needed() []bool {
	need := make([]bool, len(s.tasks))
	for _, o := range s.outputs {
		need[o] = true
	}
	for i := len(s.tasks) - 1; i >= 0; i-- {
		if need[i] {
			for _, d := range s.tasks[i].deps {
				need[d] = true
			}
		}
	}
	return need
}

// taskSeed is what a task mixes its inputs into: its token when it has one
// (so that tasks Dedup merges compute the same value), else its key.
func (t *dagTask) taskSeed() uint64 {
	if t.token != "" {
		return hashString(t.token)
	}
	return hashString(t.key.String())
}

// reference evaluates every task sequentially, in index order.
func (s *dagSpec) reference() []uint64 {
	vals := make([]uint64, len(s.tasks))
	for i := range s.tasks {
		h := s.tasks[i].taskSeed()
		for _, d := range s.tasks[i].deps {
			h = mix(h, vals[d])
		}
		vals[i] = h
	}
	return vals
}

// build returns the graph of s whose functions produce their values through
// reg. fail, if not nil, is called with a task's index before it computes;
// a non-nil result becomes the task's error.
func (s *dagSpec) build(t testing.TB, reg *valueRegistry, fail func(i int) (any, error)) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder(len(s.tasks))
	ids := make([]graph.ID, len(s.tasks))
	for i := range s.tasks {
		task := &s.tasks[i]
		deps := make([]graph.ID, len(task.deps))
		for j, d := range task.deps {
			deps[j] = ids[d]
		}
		ids[i] = b.Add(task.key, reg.taskFunc(i, task, fail), graph.Hints{Op: task.op, Token: task.token}, deps...)
	}
	if s.markOutputs {
		for _, o := range s.outputs {
			b.Output(ids[o])
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: got error %v, want nil", err)
	}
	return g
}

// countedValue is a task's value: the hash it computed and how many times it
// was released.
type countedValue struct {
	task     int // index of the task that made it
	val      uint64
	released atomic.Int32
}

func (v *countedValue) Release() { v.released.Add(1) }

// countedSize is the size a countedValue reports to the memory manager, so
// that the memory limits of spillModes make it spill.
const countedSize = 1 << 10

// SizeBytes makes countedValue an accounted value.
func (v *countedValue) SizeBytes() int64 { return countedSize }

// SpillCodec makes countedValue spillable: a value read back is a new
// *countedValue with the same task and hash (the registry keeps the one
// the task made, which the manager releases when it spills it).
func (v *countedValue) SpillCodec() spill.Codec { return countedCodec{} }

type countedCodec struct{}

func (countedCodec) Name() string { return "counted" }

func (countedCodec) Accepts(v any) bool {
	_, ok := v.(*countedValue)
	return ok
}

func (countedCodec) Encode(w io.Writer, v any) error {
	c := v.(*countedValue)
	if n := c.released.Load(); n != 0 {
		return fmt.Errorf("encode the value of task %d: released %d times already", c.task, n)
	}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(c.task))
	binary.LittleEndian.PutUint64(b[8:], c.val)
	_, err := w.Write(b[:])
	return err
}

func (countedCodec) Decode(r io.Reader, size int64, _ memory.Allocator) (any, error) {
	var b [16]byte
	if size != int64(len(b)) {
		return nil, fmt.Errorf("counted codec: got %d bytes, want %d", size, len(b))
	}
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, err
	}
	return &countedValue{task: int(binary.LittleEndian.Uint64(b[:8])), val: binary.LittleEndian.Uint64(b[8:])}, nil
}

// valueRegistry records the value each task made in one execution.
type valueRegistry struct {
	made []atomic.Pointer[countedValue]
}

func newValueRegistry(n int) *valueRegistry {
	return &valueRegistry{made: make([]atomic.Pointer[countedValue], n)}
}

// taskFunc returns the function of task i: it checks its inputs (the right
// number, of the right type, none released yet), mixes them into the task's
// seed and records the value it made. Running twice is an error.
func (reg *valueRegistry) taskFunc(i int, task *dagTask, fail func(int) (any, error)) graph.Func {
	seed := task.taskSeed()
	ndeps := len(task.deps)
	return func(ctx context.Context, deps []any) (any, error) {
		if len(deps) != ndeps {
			return nil, fmt.Errorf("task %d: got %d inputs, want %d", i, len(deps), ndeps)
		}
		h := seed
		for j, d := range deps {
			v, ok := d.(*countedValue)
			if !ok {
				return nil, fmt.Errorf("task %d: input %d: got %T, want *countedValue", i, j, d)
			}
			if n := v.released.Load(); n != 0 {
				return nil, fmt.Errorf("task %d: input %d (of task %d) was released %d times before its consumer ran", i, j, v.task, n)
			}
			h = mix(h, v.val)
		}
		if fail != nil {
			if v, err := fail(i); err != nil {
				return v, err
			}
		}
		v := &countedValue{task: i, val: h}
		if !reg.made[i].CompareAndSwap(nil, v) {
			return nil, fmt.Errorf("task %d ran twice", i)
		}
		return v, nil
	}
}

// values returns the values made, indexed by task; nil for tasks that did
// not run.
func (reg *valueRegistry) values() []*countedValue {
	out := make([]*countedValue, len(reg.made))
	for i := range reg.made {
		out[i] = reg.made[i].Load()
	}
	return out
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix folds v into h (splitmix64 finalizer), order-sensitively.
func mix(h, v uint64) uint64 {
	x := h*31 + v + 0x9E3779B97F4A7C15
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}

// graphPass is one of the graph optimizations the property tests apply
// before running a graph.
type graphPass struct {
	name  string
	apply func(*graph.Graph) (*graph.Graph, error)
}

func graphPasses() []graphPass {
	return []graphPass{
		{"raw", func(g *graph.Graph) (*graph.Graph, error) { return g, nil }},
		{"cull", graph.Cull},
		{"dedup", graph.Dedup},
		{"fuse", graph.Fuse},
		{"order", graph.Order},
		{"cull-dedup-fuse-order", func(g *graph.Graph) (*graph.Graph, error) {
			var err error
			for _, p := range []func(*graph.Graph) (*graph.Graph, error){graph.Cull, graph.Dedup, graph.Fuse, graph.Order} {
				if g, err = p(g); err != nil {
					return nil, err
				}
			}
			return g, nil
		}},
	}
}

// newRand returns the deterministic generator of one random graph.
func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }
