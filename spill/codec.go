package spill

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Codec turns values of some types into bytes and back, so that the
// manager can move them to a [Store]. A value the manager finds no codec
// for stays in memory (and is still counted).
//
// The codec of a value is found in this order: the value's own
// [Spillable] method; the built-in codecs (Arrow records, dense numeric
// slices); then the codecs of [Config.Codecs], by their Accepts method.
type Codec interface {
	// Name names the codec in errors ("arrow-ipc", "raw-float64").
	Name() string
	// Accepts reports whether the codec can encode v.
	Accepts(v any) bool
	// Encode writes v to w. It does not take ownership of v: the caller
	// still releases it.
	Encode(w io.Writer, v any) error
	// Decode reads what Encode wrote. size is the number of bytes Encode
	// wrote; r returns exactly that many. Arrow data is allocated from mem;
	// the caller owns the returned value.
	Decode(r io.Reader, size int64, mem memory.Allocator) (any, error)
}

// Spillable is implemented by values that bring their own codec: the hook
// by which other value types opt in to spilling.
type Spillable interface {
	SpillCodec() Codec
}

// Compression selects the body compression of spilled Arrow records.
type Compression int

const (
	// NoCompression writes buffers as they are: the fastest on local disks.
	NoCompression Compression = iota
	// LZ4 compresses each buffer with LZ4 frames: fast, modest ratio.
	LZ4
	// ZSTD compresses each buffer with Zstandard: slower, better ratio.
	ZSTD
)

func (c Compression) String() string {
	switch c {
	case NoCompression:
		return "none"
	case LZ4:
		return "lz4"
	case ZSTD:
		return "zstd"
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

// RecordCodec encodes arrow.Record values as an Arrow IPC stream of one
// record batch, with optional body compression (badger never compresses
// its value log, so compression belongs here). Decoded records are
// allocated from the allocator given to Decode.
type RecordCodec struct {
	Compression Compression
}

// Name implements Codec.
func (c RecordCodec) Name() string {
	if c.Compression == NoCompression {
		return "arrow-ipc"
	}
	return "arrow-ipc-" + c.Compression.String()
}

// Accepts implements Codec.
func (RecordCodec) Accepts(v any) bool {
	r, ok := v.(arrow.Record)
	return ok && r != nil
}

// Encode implements Codec.
func (c RecordCodec) Encode(w io.Writer, v any) error {
	rec, ok := v.(arrow.Record)
	if !ok || rec == nil {
		return fmt.Errorf("spill: %s codec cannot encode %T", c.Name(), v)
	}
	opts := []ipc.Option{ipc.WithSchema(rec.Schema())}
	switch c.Compression {
	case LZ4:
		opts = append(opts, ipc.WithLZ4())
	case ZSTD:
		opts = append(opts, ipc.WithZstd())
	}
	iw := ipc.NewWriter(w, opts...)
	if err := iw.Write(rec); err != nil {
		iw.Close()
		return fmt.Errorf("spill: encode record as Arrow IPC: %w", err)
	}
	if err := iw.Close(); err != nil {
		return fmt.Errorf("spill: encode record as Arrow IPC: %w", err)
	}
	return nil
}

// Decode implements Codec. It reads exactly size bytes, ending with the
// end-of-stream marker that Encode writes: a stream cut short at a message
// boundary, which Arrow's reader takes for a complete one, is an error.
func (c RecordCodec) Decode(r io.Reader, size int64, mem memory.Allocator) (any, error) {
	rec, err := c.decode(r, size, mem)
	if err != nil {
		return nil, fmt.Errorf("spill: decode Arrow IPC record: %w", err)
	}
	return rec, nil
}

func (c RecordCodec) decode(r io.Reader, size int64, mem memory.Allocator) (arrow.Record, error) {
	tr := &tailReader{r: r}
	ir, err := ipc.NewReader(tr, ipc.WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	defer ir.Release()
	if !ir.Next() {
		err := ir.Err()
		if err == nil {
			err = errors.New("no record in the stream")
		}
		return nil, err
	}
	rec := ir.Record()
	rec.Retain()
	err = nil
	switch {
	case ir.Next():
		err = errors.New("more than one record in the stream")
	case ir.Err() != nil:
		err = ir.Err()
	case tr.n != size:
		err = fmt.Errorf("the stream ended after %d of %d bytes", tr.n, size)
	case tr.tail != ipcEndOfStream:
		err = fmt.Errorf("the stream of %d bytes has no end-of-stream marker: it was cut short", size)
	}
	if err != nil {
		rec.Release()
		return nil, err
	}
	return rec, nil
}

// ipcEndOfStream is the marker that ends the Arrow IPC streams Encode
// writes: a continuation token and a zero length.
var ipcEndOfStream = [8]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}

// tailReader counts the bytes read through it and keeps the last 8.
type tailReader struct {
	r    io.Reader
	n    int64
	tail [8]byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += int64(n)
	if n >= len(t.tail) {
		copy(t.tail[:], p[n-len(t.tail):n])
	} else if n > 0 {
		copy(t.tail[:], t.tail[n:])
		copy(t.tail[len(t.tail)-n:], p[:n])
	}
	return n, err
}

// builtinCodec returns the codec dusk has for v, or nil.
func builtinCodec(v any, records RecordCodec) Codec {
	switch v := v.(type) {
	case arrow.Record:
		if v != nil {
			return records
		}
	case []float64:
		return rawCodec[float64]{}
	case []float32:
		return rawCodec[float32]{}
	case []int64:
		return rawCodec[int64]{}
	case []int32:
		return rawCodec[int32]{}
	case []int16:
		return rawCodec[int16]{}
	case []int8:
		return rawCodec[int8]{}
	case []uint64:
		return rawCodec[uint64]{}
	case []uint32:
		return rawCodec[uint32]{}
	case []uint16:
		return rawCodec[uint16]{}
	case []uint8:
		return rawCodec[uint8]{}
	case []bool:
		return rawCodec[bool]{}
	}
	return nil
}

// codecFor finds v's codec: its own, a built-in one, or one of extra. The
// value's SpillCodec and the codecs' Accepts are the user's code, run on
// the worker that hands the value over: a panic in them is an error.
func codecFor(v any, records RecordCodec, extra []Codec) (c Codec, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("spill: finding the codec of a %T panicked: %v", v, p)
		}
	}()
	if s, ok := v.(Spillable); ok {
		if c := s.SpillCodec(); c != nil {
			return c, nil
		}
	}
	if c := builtinCodec(v, records); c != nil {
		return c, nil
	}
	for _, c := range extra {
		if c.Accepts(v) {
			return c, nil
		}
	}
	return nil, nil
}
