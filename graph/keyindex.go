package graph

import "hash/maphash"

// keyIndex maps keys to IDs while a graph is built. It hashes a key's name
// once per run of tasks that share it (partitions of one operation are added
// together) and mixes in the index, so that the map it probes has plain
// uint64 keys: this is the builder's main cost per task. Two different keys
// with the same hash are kept apart in a second map.
type keyIndex struct {
	byHash   map[uint64]ID
	other    map[Key]ID // keys whose hash another key already has
	seed     maphash.Seed
	lastName string
	lastHash uint64
	hashed   bool
}

func newKeyIndex(n int) keyIndex {
	return keyIndex{byHash: make(map[uint64]ID, n), seed: maphash.MakeSeed()}
}

func (x *keyIndex) hash(k Key) uint64 {
	if !x.hashed || k.Name != x.lastName {
		x.lastName, x.lastHash, x.hashed = k.Name, maphash.String(x.seed, k.Name), true
	}
	h := x.lastHash ^ uint64(k.Index)*0x9E3779B97F4A7C15
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// insert maps k to id unless k is present; then it returns k's ID and false.
// keys[:id] are the keys inserted before.
func (x *keyIndex) insert(k Key, id ID, keys []Key) (ID, bool) {
	h := x.hash(k)
	before := len(x.byHash)
	x.byHash[h] = id
	if len(x.byHash) > before {
		return id, true
	}
	// The hash was there: k is a duplicate or another key collides with it.
	// Restore the entry of the key that had it; this path is rare.
	for i, old := range keys[:id] {
		if x.hash(old) == h {
			x.byHash[h] = ID(i)
			if old == k {
				return ID(i), false
			}
			break
		}
	}
	if prev, ok := x.other[k]; ok {
		return prev, false
	}
	if x.other == nil {
		x.other = make(map[Key]ID)
	}
	x.other[k] = id
	return id, true
}

func (x *keyIndex) lookup(k Key, keys []Key) (ID, bool) {
	if x.byHash == nil {
		return 0, false
	}
	if id, ok := x.byHash[x.hash(k)]; ok && keys[id] == k {
		return id, true
	}
	id, ok := x.other[k]
	return id, ok
}
