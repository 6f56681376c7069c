// Package spill will hold dusk's memory accounting and the on-disk store
// (badger) that partitions move to when the memory limit is reached.
//
// It is not built yet: the scheduler runs every computation in memory.
// See DESIGN.md, steps 5 and 6, for what comes here.
package spill
