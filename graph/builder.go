package graph

import (
	"fmt"
	"math"
)

// Builder collects the tasks of a graph. It is not safe for concurrent use.
// The zero value is ready to use; [NewBuilder] preallocates.
type Builder struct {
	keys    []Key
	fns     []Func
	meta    []meta
	depSpan []span
	deps    []ID
	tokens  []string // nil until a task has a token
	outputs []ID

	index     keyIndex
	refs      int // placeholders made by Ref
	ops       []string
	opIndex   map[string]uint32
	lastOp    string
	lastOpIdx uint32

	err error
}

// NewBuilder returns a builder with room for about n tasks.
func NewBuilder(n int) *Builder {
	if n < 0 {
		n = 0
	}
	return &Builder{
		keys:    make([]Key, 0, n),
		fns:     make([]Func, 0, n),
		meta:    make([]meta, 0, n),
		depSpan: make([]span, 0, n),
		deps:    make([]ID, 0, n),
		index:   newKeyIndex(n),
	}
}

// Len returns the number of tasks added or referred to so far.
func (b *Builder) Len() int { return len(b.keys) }

// Add adds a task and returns its ID. deps are IDs returned by earlier calls
// of Add or Ref on this builder; the task's function receives their values in
// this order. If key was named by Ref before, Add defines that task.
//
// Mistakes (a key added twice, a nil function, an ID this builder did not
// issue) do not panic: they are kept and returned by Build, and Add returns
// an ID that is safe to pass on.
func (b *Builder) Add(key Key, fn Func, h Hints, deps ...ID) ID {
	for _, d := range deps {
		if d < 0 || int(d) >= len(b.keys) {
			b.fail(&TaskDefinitionError{Task: key, Reason: fmt.Sprintf("dependency ID %d was not issued by this builder", d)})
			return b.Ref(key)
		}
	}
	var id ID
	if b.refs == 0 {
		// No task was referred to before it was added, so the key is new
		// unless it is a duplicate: one map assignment checks and inserts.
		if b.index.names == nil {
			b.index = newKeyIndex(0)
		}
		var isNew bool
		if id, isNew = b.index.insert(key, ID(len(b.keys)), b.keys); !isNew {
			b.fail(&TaskDefinitionError{Task: key, Reason: "added twice (task keys must be unique)"})
			return id
		}
		b.appendTask(key)
	} else {
		var ok bool
		id, ok = b.index.lookup(key, b.keys)
		if ok && b.fns[id] != nil {
			b.fail(&TaskDefinitionError{Task: key, Reason: "added twice (task keys must be unique)"})
			return id
		}
		if !ok {
			id = b.newTask(key)
		}
	}
	if fn == nil {
		b.fail(&TaskDefinitionError{Task: key, Reason: "nil function"})
	}
	if len(b.deps)+len(deps) > math.MaxInt32 {
		b.fail(&TaskDefinitionError{Task: key, Reason: "too many dependency edges in one graph"})
		return id
	}
	off := int32(len(b.deps))
	b.deps = append(b.deps, deps...)
	b.fns[id] = fn
	b.meta[id] = meta{bytes: h.Bytes, op: b.intern(h.Op), reads: h.ReadsInput}
	if h.Token != "" {
		if b.tokens == nil {
			b.tokens = make([]string, len(b.keys), cap(b.keys))
		}
		b.tokens[id] = h.Token
	}
	b.depSpan[id] = span{off: off, n: int32(len(deps))}
	return id
}

// Ref returns the ID of the task with the given key, which may be added
// later. Build reports a task that depends on a key that was never added.
func (b *Builder) Ref(key Key) ID {
	if id, ok := b.index.lookup(key, b.keys); ok {
		return id
	}
	b.refs++
	return b.newTask(key)
}

// Output marks tasks whose values a computation returns, in order. If no
// output is marked, Build makes every task without dependents an output, in
// ID order.
func (b *Builder) Output(ids ...ID) {
	for _, id := range ids {
		if id < 0 || int(id) >= len(b.keys) {
			b.fail(&TaskDefinitionError{Task: Single("<output>"), Reason: fmt.Sprintf("output ID %d was not issued by this builder", id)})
			continue
		}
		b.outputs = append(b.outputs, id)
	}
}

// Build validates the tasks and returns the graph. The builder must not be
// used afterwards. Errors reach [ErrInvalid] through errors.Is and are one
// of *[TaskDefinitionError], *[MissingDependencyError] or *[CycleError].
func (b *Builder) Build() (*Graph, error) {
	if b.err != nil {
		return nil, b.err
	}
	for id, fn := range b.fns {
		if fn == nil { // referred to by Ref, never added
			return nil, b.missing(ID(id))
		}
	}
	if b.ops == nil {
		b.intern("")
	}
	g := &Graph{
		keys: b.keys, fns: b.fns, meta: b.meta, ops: b.ops, tokens: b.tokens,
		depSpan: b.depSpan, deps: b.deps,
	}
	if err := g.assemble(); err != nil {
		return nil, err
	}
	g.outputs = b.outputs
	if len(g.outputs) == 0 {
		for id := range g.keys {
			if g.dependentsOff[id] == g.dependentsOff[id+1] {
				g.outputs = append(g.outputs, ID(id))
			}
		}
	}
	*b = Builder{}
	return g, nil
}

func (b *Builder) newTask(key Key) ID {
	if b.index.names == nil {
		b.index = newKeyIndex(0)
	}
	id, _ := b.index.insert(key, ID(len(b.keys)), b.keys)
	b.appendTask(key)
	return id
}

// appendTask appends an undefined task with the given key.
func (b *Builder) appendTask(key Key) {
	b.keys = append(b.keys, key)
	b.fns = append(b.fns, nil)
	b.meta = append(b.meta, meta{})
	b.depSpan = append(b.depSpan, span{})
	if b.tokens != nil {
		b.tokens = append(b.tokens, "")
	}
}

// intern returns the index of op in b.ops. Consecutive tasks usually share
// their operation, so the last one is checked before the map.
func (b *Builder) intern(op string) uint32 {
	if b.ops != nil && op == b.lastOp {
		return b.lastOpIdx
	}
	if b.opIndex == nil {
		b.opIndex = make(map[string]uint32)
	}
	i, ok := b.opIndex[op]
	if !ok {
		i = uint32(len(b.ops))
		b.ops = append(b.ops, op)
		b.opIndex[op] = i
	}
	b.lastOp, b.lastOpIdx = op, i
	return i
}

// missing builds the error for a referenced key that was never added, naming
// a task that depends on it.
func (b *Builder) missing(id ID) error {
	for t, s := range b.depSpan {
		for _, d := range b.deps[s.off : s.off+s.n] {
			if d == id && b.fns[t] != nil {
				return &MissingDependencyError{Task: b.keys[t], Missing: b.keys[id]}
			}
		}
	}
	return &MissingDependencyError{Task: Single("<output>"), Missing: b.keys[id]}
}

func (b *Builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}
