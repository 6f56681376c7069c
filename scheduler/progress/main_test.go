package progress

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them: the
// drawing must stop once the last computation finished.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
