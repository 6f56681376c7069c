package spill_test

import (
	"fmt"
	"testing"

	"github.com/dusk-go/dusk/spill"
)

// benchStores opens each kind of store for a benchmark.
func benchStores() []struct {
	name string
	open func(b *testing.B) spill.Store
} {
	return []struct {
		name string
		open func(b *testing.B) spill.Store
	}{
		{"mem", func(b *testing.B) spill.Store { return spill.NewMemStore() }},
		{"badger", func(b *testing.B) spill.Store {
			s, err := spill.OpenBadger(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
}

var benchSizes = []int{1 << 20, 16 << 20}

// BenchmarkStorePut puts values under a rotating set of 16 keys, deleting
// each before it is put again, as the spill manager does.
func BenchmarkStorePut(b *testing.B) {
	for _, st := range benchStores() {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dMiB", st.name, size>>20), func(b *testing.B) {
				s := st.open(b)
				defer s.Close()
				value := testValue(size, 1)
				b.SetBytes(int64(size))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					key := []byte(fmt.Sprintf("piece-%d", i%16))
					if i >= 16 {
						if err := s.Delete(key); err != nil {
							b.Fatal(err)
						}
					}
					if err := s.Put(key, value); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStoreGet reads values back with one copy out of the store, as
// the spill manager does.
func BenchmarkStoreGet(b *testing.B) {
	const keys = 16
	for _, st := range benchStores() {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dMiB", st.name, size>>20), func(b *testing.B) {
				s := st.open(b)
				defer s.Close()
				for i := 0; i < keys; i++ {
					if err := s.Put([]byte(fmt.Sprintf("piece-%d", i)), testValue(size, byte(i))); err != nil {
						b.Fatal(err)
					}
				}
				dst := make([]byte, size)
				b.SetBytes(int64(size))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					key := []byte(fmt.Sprintf("piece-%d", i%keys))
					if err := s.Get(key, func(v []byte) error {
						copy(dst, v)
						return nil
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
