// Package io holds dusk's readers and writers of CSV, Parquet and Arrow IPC.
// It knows nothing of frames: a reader opens a Dataset (schema plus
// partitions), and reading a Partition gives one arrow.Record. The frame
// package turns each partition into a scan task.
//
// # Opening and reading
//
// OpenCSV, OpenParquet and OpenIPC take paths, globs or directories
// (ResolvePaths), learn the schema without reading the data (a sample spread
// over a CSV file; Parquet footers; IPC schemas), check that every file of
// the dataset has the same schema, and plan partitions: byte ranges of
// CSV files that start at a row boundary, groups of Parquet row groups,
// ranges of IPC record batches. Dataset.Partitions takes predicates, which
// readers with statistics (Parquet) use to leave out what cannot match.
//
// # Ownership
//
// Partition.Read returns a record the caller owns and must Release. Records
// given to a RecordWriter are borrowed for the call.
//
// # Writing
//
// CreateCSV, CreateParquet and CreateIPC return a RecordWriter that writes
// one file atomically: under a temporary name in the same directory, renamed
// on Close, removed on Abort or error, so a failed write leaves no half file.
//
// # Errors
//
// Every error names the file, and for CSV the line and column and the
// offending text (truncated). Missing files, empty files, header-only files,
// corrupt Parquet files and files of one dataset whose schemas differ are
// errors when the dataset is opened.
package io
