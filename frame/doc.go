// Package frame will hold dusk's lazy data frames: Arrow record batches as
// partitions, a logical plan with an optimizer, lowered to task graphs.
//
// It is not built yet.
package frame
