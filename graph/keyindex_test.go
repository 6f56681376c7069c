package graph

import "testing"

// TestKeyIndexSparse: far-apart and negative indexes are found and their
// duplicates detected, and the dense part stays about as large as the keys
// in it.
func TestKeyIndexSparse(t *testing.T) {
	var x keyIndex
	var keys []Key
	indexes := []int{-1, -7, 0, 5, 1 << 40, 3}
	for i := range 2000 {
		indexes = append(indexes, 1000*i+10)
	}
	for _, i := range indexes {
		k := K("a", i)
		if got, ok := x.insert(k, ID(len(keys)), keys); !ok || got != ID(len(keys)) {
			t.Fatalf("insert %s: got %d, %v, want %d, true", k, got, ok, len(keys))
		}
		keys = append(keys, k)
	}
	for id, k := range keys {
		if got, ok := x.lookup(k, keys); !ok || got != ID(id) {
			t.Errorf("lookup %s: got %d, %v, want %d, true", k, got, ok, id)
		}
		if got, ok := x.insert(k, ID(len(keys)), keys); ok || got != ID(id) {
			t.Errorf("insert duplicate %s: got %d, %v, want %d, false", k, got, ok, id)
		}
	}
	if _, ok := x.lookup(K("a", 11), keys); ok {
		t.Error("lookup a[11]: found, want absent")
	}
	if _, ok := x.lookup(K("b", 0), keys); ok {
		t.Error("lookup b[0]: found, want absent")
	}
	if n := len(x.names["a"].dense); n > 4*len(keys)+2048 {
		t.Errorf("dense slots: got %d for %d keys, want about twice as many at most", n, len(keys))
	}
}
