package spill

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// ErrCorrupt is wrapped by the error of a read-back whose bytes do not
// match the checksum taken when they were written.
var ErrCorrupt = errors.New("spill: spilled data is corrupt")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// A piece is one stored part of a spilled value: its length and CRC-32C,
// kept in memory by the manager so that a read-back verifies every byte.
type piece struct {
	size int
	crc  uint32
}

// pieceKey returns the store key of piece i of value id: 's', the id and
// the piece index, big-endian, so that one value's pieces are adjacent.
func pieceKey(dst []byte, id uint64, i int) []byte {
	dst = append(dst[:0], 's')
	dst = binary.BigEndian.AppendUint64(dst, id)
	return binary.BigEndian.AppendUint32(dst, uint32(i))
}

// pieceWriter is the io.Writer a codec encodes into: it cuts the stream
// into pieces of at most size bytes and puts each into the store.
type pieceWriter struct {
	store  Store
	id     uint64
	size   int
	buf    []byte
	key    []byte
	pieces []piece
	total  int64
}

func (w *pieceWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(w.buf) == 0 && len(p) >= w.size {
			// A whole piece is at hand: put it without copying.
			if err := w.put(p[:w.size]); err != nil {
				return n - len(p), err
			}
			p = p[w.size:]
			continue
		}
		// The buffer grows as needed (small values stay small) up to one
		// piece.
		k := min(len(p), w.size-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == w.size {
			if err := w.put(w.buf); err != nil {
				return n - len(p), err
			}
			w.buf = w.buf[:0]
		}
	}
	return n, nil
}

// flush puts what is buffered as the last piece.
func (w *pieceWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.put(w.buf)
	w.buf = w.buf[:0]
	return err
}

func (w *pieceWriter) put(b []byte) error {
	w.key = pieceKey(w.key, w.id, len(w.pieces))
	if err := w.store.Put(w.key, b); err != nil {
		return err
	}
	w.pieces = append(w.pieces, piece{size: len(b), crc: crc32.Checksum(b, castagnoli)})
	w.total += int64(len(b))
	return nil
}

// keys returns the store keys of the pieces written.
func (w *pieceWriter) keys() [][]byte { return pieceKeys(w.id, len(w.pieces)) }

func pieceKeys(id uint64, n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = pieceKey(nil, id, i)
	}
	return keys
}

// pieceReader reads a value's pieces back in order, verifying each one's
// length and checksum. A Read large enough for a whole piece copies it
// straight from the store into the caller's buffer.
type pieceReader struct {
	ctx     context.Context
	store   Store
	id      uint64
	pieces  []piece
	next    int
	pending []byte // unread bytes of the current piece
	scratch []byte
	key     []byte
}

func (r *pieceReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(r.pending) == 0 {
		if r.next == len(r.pieces) {
			return 0, io.EOF
		}
		if err := r.ctx.Err(); err != nil {
			return 0, context.Cause(r.ctx)
		}
		pc := r.pieces[r.next]
		if len(p) >= pc.size {
			if err := r.get(pc, p[:pc.size]); err != nil {
				return 0, err
			}
			return pc.size, nil
		}
		if cap(r.scratch) < pc.size {
			r.scratch = make([]byte, pc.size)
		}
		r.scratch = r.scratch[:pc.size]
		if err := r.get(pc, r.scratch); err != nil {
			return 0, err
		}
		r.pending = r.scratch
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// get reads piece r.next into dst, which has its exact length.
func (r *pieceReader) get(pc piece, dst []byte) error {
	i := r.next
	r.key = pieceKey(r.key, r.id, i)
	err := r.store.Get(r.key, func(v []byte) error {
		if len(v) != pc.size {
			return fmt.Errorf("%w: piece %d of %d holds %d bytes, want %d", ErrCorrupt, i+1, len(r.pieces), len(v), pc.size)
		}
		copy(dst, v)
		return nil
	})
	if err != nil {
		return err
	}
	// The checksum is taken from the copy: the bytes the decoder will use.
	if got := crc32.Checksum(dst, castagnoli); got != pc.crc {
		return fmt.Errorf("%w: piece %d of %d: checksum %08x, want %08x", ErrCorrupt, i+1, len(r.pieces), got, pc.crc)
	}
	r.next++
	return nil
}
