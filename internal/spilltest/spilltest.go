// Package spilltest holds test helpers for the spill and scheduler
// packages: [spill.Store] wrappers that fail, corrupt, or count.
//
// Each wrapper passes every call to the store it wraps, changing only what
// its name says, and is safe for concurrent use when that store is.
package spilltest

import (
	"fmt"
	"sync/atomic"
	"syscall"

	"github.com/dusk-go/dusk/spill"
)

// ErrDiskFull is wrapped by the errors of a [Failing] store's Put. It also
// matches syscall.ENOSPC under errors.Is, as a real full disk does.
var ErrDiskFull error = diskFullError{}

type diskFullError struct{}

func (diskFullError) Error() string        { return "no space left on device (simulated)" }
func (diskFullError) Is(target error) bool { return target == syscall.ENOSPC }

// Failing is a Store whose Put fails once the bytes written would pass a
// limit, as on a full disk. Get, Delete and Close pass through.
type Failing struct {
	s       spill.Store
	limit   int64
	written atomic.Int64
}

var _ spill.Store = (*Failing)(nil)

// FailAfter wraps s so that a Put succeeds while the total bytes put
// through the wrapper, this value included, stay within n, and fails with
// an error wrapping [ErrDiskFull] otherwise. A failed Put writes nothing and
// is not counted, so a smaller value may still fit; Delete frees nothing.
func FailAfter(s spill.Store, n int64) *Failing {
	return &Failing{s: s, limit: n}
}

// Put stores value in the wrapped store if it fits under the limit.
func (f *Failing) Put(key, value []byte) error {
	n := int64(len(value))
	if total := f.written.Add(n); total > f.limit {
		f.written.Add(-n)
		return fmt.Errorf("spilltest: put key %q (%d bytes, %d written of %d allowed): %w",
			key, n, total-n, f.limit, ErrDiskFull)
	}
	if err := f.s.Put(key, value); err != nil {
		f.written.Add(-n)
		return err
	}
	return nil
}

// Get passes through.
func (f *Failing) Get(key []byte, fn func([]byte) error) error { return f.s.Get(key, fn) }

// Delete passes through.
func (f *Failing) Delete(keys ...[]byte) error { return f.s.Delete(keys...) }

// Close passes through.
func (f *Failing) Close() error { return f.s.Close() }

// Written returns the bytes put successfully so far.
func (f *Failing) Written() int64 { return f.written.Load() }

// Corrupting is a Store whose Get hands fn a copy of the value with the
// middle byte flipped (value[len/2] ^= 0xff), to test checksum
// verification. The stored bytes are never changed, and an empty value,
// having no byte to flip, is passed as it is. Put, Delete and Close pass
// through.
type Corrupting struct {
	s         spill.Store
	enabled   atomic.Bool
	corrupted atomic.Int64
}

var _ spill.Store = (*Corrupting)(nil)

// Corrupt wraps s. Corruption is on from the start; Enable(false) turns it
// off, so that a test can write and read cleanly and then corrupt the reads
// after some point.
func Corrupt(s spill.Store) *Corrupting {
	c := &Corrupting{s: s}
	c.enabled.Store(true)
	return c
}

// Enable turns corruption of later Gets on or off.
func (c *Corrupting) Enable(on bool) { c.enabled.Store(on) }

// Corrupted returns how many values Get has corrupted.
func (c *Corrupting) Corrupted() int64 { return c.corrupted.Load() }

// Get calls fn with the stored value, corrupted when enabled.
func (c *Corrupting) Get(key []byte, fn func([]byte) error) error {
	if !c.enabled.Load() {
		return c.s.Get(key, fn)
	}
	return c.s.Get(key, func(v []byte) error {
		if len(v) == 0 {
			return fn(v)
		}
		bad := make([]byte, len(v))
		copy(bad, v)
		bad[len(bad)/2] ^= 0xff
		c.corrupted.Add(1)
		return fn(bad)
	})
}

// Put passes through.
func (c *Corrupting) Put(key, value []byte) error { return c.s.Put(key, value) }

// Delete passes through.
func (c *Corrupting) Delete(keys ...[]byte) error { return c.s.Delete(keys...) }

// Close passes through.
func (c *Corrupting) Close() error { return c.s.Close() }

// Counting is a Store that counts the successful calls to the store it
// wraps and the bytes they moved. The counters may be read at any time.
type Counting struct {
	s spill.Store

	Puts     atomic.Int64 // successful Puts
	PutBytes atomic.Int64 // bytes of the values they stored
	Gets     atomic.Int64 // successful Gets
	GetBytes atomic.Int64 // bytes of the values they handed to fn
	Deletes  atomic.Int64 // keys passed to successful Deletes
	Closes   atomic.Int64 // calls to Close
}

var _ spill.Store = (*Counting)(nil)

// Count wraps s.
func Count(s spill.Store) *Counting { return &Counting{s: s} }

// Put passes through and counts.
func (c *Counting) Put(key, value []byte) error {
	if err := c.s.Put(key, value); err != nil {
		return err
	}
	c.Puts.Add(1)
	c.PutBytes.Add(int64(len(value)))
	return nil
}

// Get passes through and counts.
func (c *Counting) Get(key []byte, fn func([]byte) error) error {
	var n int64
	err := c.s.Get(key, func(v []byte) error {
		n = int64(len(v))
		return fn(v)
	})
	if err != nil {
		return err
	}
	c.Gets.Add(1)
	c.GetBytes.Add(n)
	return nil
}

// Delete passes through and counts.
func (c *Counting) Delete(keys ...[]byte) error {
	if err := c.s.Delete(keys...); err != nil {
		return err
	}
	c.Deletes.Add(int64(len(keys)))
	return nil
}

// Close passes through and counts.
func (c *Counting) Close() error {
	c.Closes.Add(1)
	return c.s.Close()
}
