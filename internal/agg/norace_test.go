//go:build !race

package agg

// raceEnabled is set when the race detector, which slows the tests about
// tenfold, is on.
const raceEnabled = false
