// Package hashing holds the integer hash functions several packages share:
// counter-based random numbers (arrays' Uniform and Normal, the benchmark
// data generators) and, later, the hashing of keys.
package hashing

// Mix64 is the finalizer of SplitMix64: a bijection of 64-bit words whose
// outputs look independent for inputs that differ in a few bits. Applied
// to a counter (x*golden + key) it is a fast counter-based generator.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
