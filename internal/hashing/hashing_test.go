package hashing

import (
	"math/bits"
	"testing"
)

func TestMix64(t *testing.T) {
	// SplitMix64's first output for seed 0 is Mix64(golden ratio).
	if got, want := Mix64(0x9e3779b97f4a7c15), uint64(0xe220a8397b1dcdaf); got != want {
		t.Errorf("got %#x, want %#x", got, want)
	}
	// avalanche: flipping one input bit flips about half the output bits
	total := 0
	for b := range 64 {
		total += bits.OnesCount64(Mix64(12345) ^ Mix64(12345^(1<<b)))
	}
	if avg := float64(total) / 64; avg < 28 || avg > 36 {
		t.Errorf("got %.1f bits flipped on average, want about 32", avg)
	}
}
