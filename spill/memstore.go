package spill

import (
	"fmt"
	"sync"
)

// MemStore is a [Store] that keeps the bytes in memory, for tests: it
// behaves like [BadgerStore] without a disk. It is safe for concurrent use.
type MemStore struct {
	mu     sync.Mutex
	closed bool
	m      map[string][]byte
	bytes  int64 // sum of len over m
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{m: make(map[string][]byte)}
}

// Put stores a copy of value under key.
func (s *MemStore) Put(key, value []byte) error {
	v := make([]byte, len(value))
	copy(v, value)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if old, ok := s.m[string(key)]; ok {
		s.bytes -= int64(len(old))
	}
	s.m[string(key)] = v
	s.bytes += int64(len(v))
	return nil
}

// Get calls fn with the stored slice. The lock is not held during fn, so fn
// may use the store; the slice stays valid (a Put replaces it, never
// changes it), but fn must not modify it.
func (s *MemStore) Get(key []byte, fn func(value []byte) error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	v, ok := s.m[string(key)]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("spill: memory store: get key %s: %w", fmtKey(key), ErrNotFound)
	}
	return fn(v)
}

// Delete removes the keys; missing keys are skipped.
func (s *MemStore) Delete(keys ...[]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	for _, k := range keys {
		if v, ok := s.m[string(k)]; ok {
			s.bytes -= int64(len(v))
			delete(s.m, string(k))
		}
	}
	return nil
}

// Close empties the store. It is idempotent; afterwards every operation
// returns ErrClosed.
func (s *MemStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.m = nil
	s.bytes = 0
	return nil
}

// Len returns the number of keys held.
func (s *MemStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// Bytes returns the number of value bytes held.
func (s *MemStore) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}
