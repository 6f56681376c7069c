package kernels

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// strBuilder writes the rows of a string or binary array straight into
// allocator-owned buffers: offsets for n rows up front, data grown by
// doubling. Rows are appended in order with add (or addBytes, or by growing
// data through room and then calling end).
type strBuilder[O offsetT] struct {
	kernel string
	obuf   *memory.Buffer
	offs   []O
	dbuf   *memory.Buffer
	data   []byte // len: bytes written; cap: the buffer's capacity
	row    int
}

func newStrBuilder[O offsetT](mem memory.Allocator, kernel string, n, dataHint int) *strBuilder[O] {
	b := &strBuilder[O]{kernel: kernel}
	b.obuf, b.offs = newValues[O](mem, n+1)
	b.offs[0] = 0
	b.dbuf = memory.NewResizableBuffer(mem)
	b.dbuf.Reserve(max(dataHint, 0))
	b.data = b.dbuf.Buf()[:0]
	return b
}

// room makes sure k more bytes fit and returns data (with room for them).
func (b *strBuilder[O]) room(k int) []byte {
	if len(b.data)+k > cap(b.data) {
		b.dbuf.Reserve(max(2*cap(b.data), len(b.data)+k, 64))
		b.data = b.dbuf.Buf()[:len(b.data)]
	}
	return b.data
}

func (b *strBuilder[O]) add(s string) {
	b.room(len(s))
	b.data = append(b.data, s...)
	b.end()
}

func (b *strBuilder[O]) addBytes(s []byte) {
	b.room(len(s))
	b.data = append(b.data, s...)
	b.end()
}

// end closes the current row at the current data length.
func (b *strBuilder[O]) end() {
	b.row++
	b.offs[b.row] = O(len(b.data))
}

// finish builds the array, taking over the validity buffer.
func (b *strBuilder[O]) finish(dt arrow.DataType, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	if _, small := any(O(0)).(int32); small && len(b.data) > math.MaxInt32 {
		b.release()
		release(validity)
		return nil, errorf(ErrOverflow, b.kernel, "result has %d bytes of data, more than %s offsets address", len(b.data), dt)
	}
	b.dbuf.Resize(len(b.data))
	return build(dt, len(b.offs)-1, nulls, validity, b.obuf, b.dbuf), nil
}

func (b *strBuilder[O]) release() { release(b.obuf, b.dbuf) }
