package graph

import (
	"context"
	"strings"
)

// Fuse merges linear chains into single tasks: a task whose only consumer
// has only that one input (and which is not an output) runs inside its
// consumer's task, so the scheduler never holds its value. A fused task
// keeps the key of the chain's last task, which is what other tasks and the
// outputs refer to; its operation names every operation of the chain
// ("read → filter"), its token is the chain's tokens joined (empty if any is
// empty), its size hint is the last task's and it reads input if the first
// task does. Intermediate values that have a Release method are released
// as soon as the next stage has run. An error in a stage other than the
// last comes back as a *[TaskError] naming that stage's key and operation.
//
// Fuse returns g itself when there is nothing to fuse.
func Fuse(g *Graph) (*Graph, error) {
	n := g.Len()
	isOutput := make([]bool, n)
	for _, o := range g.outputs {
		isOutput[o] = true
	}
	absorbed := make([]bool, n)
	fusable := false
	for v := range n {
		c := g.Dependents(ID(v))
		if len(c) != 1 || isOutput[v] || g.depSpan[c[0]].n != 1 {
			continue
		}
		absorbed[v] = true
		fusable = true
	}
	if !fusable {
		return g, nil
	}

	remap := make([]ID, n)
	kept := 0
	for v := range n {
		if absorbed[v] {
			remap[v] = -1
			continue
		}
		remap[v] = ID(kept)
		kept++
	}
	ng := &Graph{
		keys:    make([]Key, 0, kept),
		fns:     make([]Func, 0, kept),
		meta:    make([]meta, 0, kept),
		ops:     g.ops,
		depSpan: make([]span, 0, kept),
		deps:    make([]ID, 0, len(g.deps)),
		outputs: make([]ID, len(g.outputs)),
	}
	opIndex := map[string]uint32{}
	cloned := false
	var chain []ID
	for v := range n {
		if absorbed[v] {
			continue
		}
		// Walk back from the chain's tail to its head.
		chain = append(chain[:0], ID(v))
		for x := ID(v); ; {
			d := g.Deps(x)
			if len(d) != 1 || !absorbed[d[0]] {
				break
			}
			x = d[0]
			chain = append(chain, x)
		}
		head := chain[len(chain)-1]
		off := int32(len(ng.deps))
		for _, d := range g.Deps(head) {
			ng.deps = append(ng.deps, remap[d])
		}
		ng.depSpan = append(ng.depSpan, span{off: off, n: int32(len(ng.deps)) - off})
		ng.keys = append(ng.keys, g.keys[v])
		if len(chain) == 1 {
			ng.fns = append(ng.fns, g.fns[v])
			ng.meta = append(ng.meta, g.meta[v])
			if g.tokens != nil {
				ng.tokens = append(ng.tokens, g.tokens[v])
			}
			continue
		}
		stages := make([]stage, len(chain))
		var ops []string
		tokens := make([]string, 0, len(chain))
		for i := range chain {
			id := chain[len(chain)-1-i]
			stages[i] = stage{fn: g.fns[id], key: g.keys[id], op: g.Op(id)}
			if op := g.Op(id); len(ops) == 0 || ops[len(ops)-1] != op {
				ops = append(ops, op)
			}
			if tokens != nil && g.token(id) != "" {
				tokens = append(tokens, g.token(id))
			} else {
				tokens = nil
			}
		}
		op := strings.Join(ops, " → ")
		opIdx, ok := opIndex[op]
		if !ok {
			if !cloned {
				ng.ops = append([]string(nil), g.ops...)
				cloned = true
			}
			opIdx = uint32(len(ng.ops))
			ng.ops = append(ng.ops, op)
			opIndex[op] = opIdx
		}
		ng.fns = append(ng.fns, fusedFunc(stages))
		if g.tokens != nil {
			ng.tokens = append(ng.tokens, strings.Join(tokens, " → "))
		}
		ng.meta = append(ng.meta, meta{
			bytes: g.meta[v].bytes,
			op:    opIdx,
			reads: g.meta[head].reads,
		})
	}
	for i, o := range g.outputs {
		ng.outputs[i] = remap[o]
	}
	if err := ng.assemble(); err != nil {
		return nil, err
	}
	return ng, nil
}

type stage struct {
	fn  Func
	key Key
	op  string
}

// fusedFunc runs the stages of a chain one after the other in one call.
func fusedFunc(stages []stage) Func {
	return func(ctx context.Context, deps []any) (_ any, err error) {
		cur := 0
		var inflight any // the value the current stage received
		defer func() {
			// Recovered only to release the value in flight and name the
			// stage; the panic goes on to the task runner.
			if p := recover(); p != nil {
				Release(inflight)
				panic(&StagePanic{Key: stages[cur].key, Op: stages[cur].op, Value: p})
			}
		}()
		v, err := stages[0].fn(ctx, deps)
		var arg [1]any
		for i := 1; i < len(stages); i++ {
			if err != nil {
				Release(v)
				return nil, stageError(stages[i-1], err)
			}
			if err := ctx.Err(); err != nil {
				Release(v)
				return nil, err
			}
			cur, inflight, arg[0] = i, v, v
			var next any
			next, err = stages[i].fn(ctx, arg[:])
			arg[0], inflight = nil, nil
			Release(v)
			v = next
		}
		return v, err
	}
}

// StagePanic is the value a fused task panics with when one of its stages
// panics: the stage's key and operation, and the stage's panic value. The
// scheduler turns it into an error naming the stage.
type StagePanic struct {
	Key   Key
	Op    string
	Value any
}

func stageError(s stage, err error) error {
	return &TaskError{Key: s.key, Op: s.op, Err: err}
}
