package array

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/npy"
	"github.com/dusk-go/dusk/scheduler"
)

// manifestName is the file of a stored array that describes it.
const manifestName = "array.json"

// manifest describes a stored array: one .npy file per chunk.
type manifest struct {
	Format string  `json:"format"` // "dusk-array-npy/1"
	Shape  []int   `json:"shape"`
	DType  string  `json:"dtype"`
	Chunks [][]int `json:"chunks"`
}

const manifestFormat = "dusk-array-npy/1"

func chunkFile(idx []int) string {
	parts := make([]string, len(idx))
	for a, i := range idx {
		parts[a] = fmt.Sprint(i)
	}
	if len(parts) == 0 {
		return "chunk.npy"
	}
	return "chunk-" + strings.Join(parts, ".") + ".npy"
}

// Store computes x and writes it to the directory dir, one NumPy .npy
// file per chunk plus an array.json manifest, chunk by chunk: an array
// larger than memory streams through. dir must not exist. The files are
// written to a temporary directory beside dir, renamed to dir when every
// chunk is written; a failed Store leaves nothing behind. Load reads it
// back; NumPy reads each chunk with numpy.load.
func (x *Array) Store(ctx context.Context, dir string, opts ...scheduler.Option) (err error) {
	if err := x.Err(); err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("array: store to %s: it already exists", dir)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("array: store to %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	lw := newLowering()
	c, err := lw.lower(x.n)
	if err != nil {
		return err
	}
	name := lw.name("store")
	op := "array: store " + dir
	k := 0
	forEachIndex(c.g.counts(), func(idx []int) {
		shape := c.g.chunkShape(idx)
		path := filepath.Join(tmp, chunkFile(idx))
		fn := func(ctx context.Context, vals []any) (any, error) {
			if err := npy.WriteFile(path, shape, vals[0]); err != nil {
				return nil, fmt.Errorf("array: store chunk %v: %w", idx, err)
			}
			return nil, nil
		}
		lw.b.Output(lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op}, c.ids[k]))
		k++
	})
	g, err := lw.b.Build()
	if err != nil {
		return err
	}
	if g, err = graph.Optimize(g); err != nil {
		return err
	}
	if _, err = scheduler.New(opts...).Execute(ctx, g); err != nil {
		return err
	}
	m := manifest{Format: manifestFormat, Shape: x.n.shape(), DType: x.n.dtype().String(), Chunks: c.g}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err = os.WriteFile(filepath.Join(tmp, manifestName), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("array: store to %s: %w", dir, err)
	}
	if err = os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("array: store to %s: %w", dir, err)
	}
	return nil
}

// Load returns the array Store wrote to dir. Only the manifest is read
// now; each chunk's file is read by the task that needs it, and checked
// against the manifest (shape and type), so a damaged or replaced file is
// an error naming it.
func Load(dir string) *Array {
	path := filepath.Join(dir, manifestName)
	b, err := os.ReadFile(path)
	if err != nil {
		return failedf("array: load: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return failedf("array: load %s: %w", path, err)
	}
	if m.Format != manifestFormat {
		return failedf("array: load %s: format %q, want %q", path, m.Format, manifestFormat)
	}
	var dt DType
	for _, d := range []DType{Float64, Int64, Bool} {
		if d.String() == m.DType {
			dt = d
		}
	}
	if dt == 0 {
		return failedf("array: load %s: unknown dtype %q", path, m.DType)
	}
	if err := checkShape("load", m.Shape); err != nil {
		return failedf("array: load %s: %w", path, err)
	}
	g, err := config{grid: m.Chunks}.gridFor("load "+path, m.Shape, dt)
	if err != nil {
		return failed(err)
	}
	return wrap(&loadNode{dir: dir, shp: m.Shape, dt: dt, g: g})
}

// loadNode reads a stored array, one task per chunk file.
type loadNode struct {
	dir string
	shp []int
	dt  DType
	g   grid
}

func (n *loadNode) shape() []int   { return n.shp }
func (n *loadNode) dtype() DType   { return n.dt }
func (n *loadNode) nominal() grid  { return n.g }
func (n *loadNode) inputs() []node { return nil }
func (n *loadNode) String() string {
	return fmt.Sprintf("load %s %v %s chunks %v", n.dir, n.shp, n.dt, n.g)
}

func (n *loadNode) lower(lw *lowering) (*chunks, error) {
	name := lw.name("load")
	op := "array: load " + n.dir
	c := &chunks{g: n.g, dt: n.dt}
	k := 0
	forEachIndex(n.g.counts(), func(idx []int) {
		shape := n.g.chunkShape(idx)
		path := filepath.Join(n.dir, chunkFile(idx))
		dt := n.dt
		fn := func(ctx context.Context, _ []any) (any, error) {
			shp, data, err := npy.ReadFile(path)
			if err != nil {
				return nil, err
			}
			if !slices.Equal(shp, shape) {
				return nil, fmt.Errorf("%w: %s holds shape %v, the manifest says %v", ErrShape, path, shp, shape)
			}
			ok := false
			switch data.(type) {
			case []float64:
				ok = dt == Float64
			case []int64:
				ok = dt == Int64
			case []bool:
				ok = dt == Bool
			}
			if !ok {
				return nil, fmt.Errorf("%w: %s holds %T, the manifest says %s", ErrType, path, data, dt)
			}
			return data, nil
		}
		c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op, Bytes: int64(numel(shape) * dt.Size()), ReadsInput: true}))
		k++
	})
	return c, nil
}
