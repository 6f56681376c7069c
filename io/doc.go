// Package io will hold dusk's readers and writers of CSV, Parquet and
// Arrow IPC, which split inputs into partitions and know nothing of frames.
//
// It is not built yet.
package io
