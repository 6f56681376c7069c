package spilltest

import (
	"os"
	"testing"
)

// AssertEmptyDir fails the test if dir holds anything: what a spill store
// leaves behind once closed.
func AssertEmptyDir(t testing.TB, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir(%s): %v", dir, err)
	}
	if len(ents) != 0 {
		t.Fatalf("directory %s: got %d entries (%s...), want none", dir, len(ents), ents[0].Name())
	}
}
