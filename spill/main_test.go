package spill_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// closed store must have stopped all of its goroutines (badger's included).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
