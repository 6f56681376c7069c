package graph

// keyIndex maps keys to IDs while a graph is built: the builder's main cost
// per task. Keys are (name, index) and the tasks of one operation share a
// name and usually arrive together with dense indexes, so the index keeps,
// per name, a slice indexed by the key's index. The name of the previous
// key is remembered, so a run of partitions of one operation costs a string
// comparison (pointer-equal strings compare at once) and a slice access per
// task, without hashing. Negative or far-apart indexes go to a map.
type keyIndex struct {
	names    map[string]*nameSlots
	last     *nameSlots
	lastName string
}

type nameSlots struct {
	dense  []ID // dense[i] is 1 + the ID of the key with index i, 0 if none
	sparse map[int]ID
	n      int // keys in dense
}

func newKeyIndex(int) keyIndex {
	return keyIndex{names: make(map[string]*nameSlots)}
}

func (x *keyIndex) slots(name string, create bool) *nameSlots {
	if x.last != nil && name == x.lastName {
		return x.last
	}
	s := x.names[name]
	if s == nil {
		if !create {
			return nil
		}
		s = &nameSlots{}
		x.names[name] = s
	}
	x.last, x.lastName = s, name
	return s
}

// insert maps k to id unless k is present; then it returns k's ID and false.
func (x *keyIndex) insert(k Key, id ID, _ []Key) (ID, bool) {
	if x.names == nil {
		*x = newKeyIndex(0)
	}
	s := x.slots(k.Name, true)
	i := k.Index
	// dense grows only while at least about half of it is used, so
	// far-apart indexes cannot make it large.
	if i >= 0 && (i < len(s.dense) || i < 2*s.n+1024) {
		if i >= len(s.dense) {
			s.dense = append(s.dense, make([]ID, i+1-len(s.dense))...)
		}
		if prev := s.dense[i]; prev != 0 {
			return prev - 1, false
		}
		s.dense[i] = id + 1
		s.n++
		return id, true
	}
	if prev, ok := s.sparse[i]; ok {
		return prev, false
	}
	if s.sparse == nil {
		s.sparse = make(map[int]ID)
	}
	s.sparse[i] = id
	return id, true
}

func (x *keyIndex) lookup(k Key, _ []Key) (ID, bool) {
	if x.names == nil {
		return 0, false
	}
	s := x.slots(k.Name, false)
	if s == nil {
		return 0, false
	}
	if i := k.Index; i >= 0 && i < len(s.dense) && s.dense[i] != 0 {
		return s.dense[i] - 1, true
	}
	id, ok := s.sparse[k.Index]
	return id, ok
}
