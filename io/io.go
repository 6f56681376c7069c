package io

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// A Dataset is an opened input: its schema, known before any data is read,
// and the partitions it splits into. Opening a dataset (OpenCSV, OpenParquet,
// OpenIPC) resolves the paths, reads what it needs to know the schema (a CSV
// sample, Parquet footers, IPC schemas) and plans the partitions; reading a
// partition is the only step that reads data. A Dataset is immutable and safe
// for concurrent use; its partitions may be read concurrently.
type Dataset interface {
	// Format names the reader: "csv", "parquet" or "ipc".
	Format() string
	// Paths lists the files of the dataset, in the order of their partitions.
	Paths() []string
	// Schema is the schema of the records a partition produces when every
	// column is read.
	Schema() *arrow.Schema
	// Partitions plans the partitions to read. A reader that keeps
	// statistics (Parquet row groups) leaves out the partitions that filter
	// proves cannot hold a matching row; the others may still hold rows that
	// do not match: filter is advice, and the caller filters the rows.
	// A nil filter keeps every partition.
	Partitions(filter []Predicate) []Partition
}

// A Partition is one independently readable piece of a dataset: a byte range
// of a CSV file, a group of Parquet row groups, an IPC record batch range.
type Partition interface {
	// String names the partition for errors and EXPLAIN, such as
	// "data/trips-3.csv bytes 67108864-134217728".
	String() string
	// Read reads the partition into one record holding the columns of
	// opts.Columns (every column when nil), in that order. The record is
	// owned by the caller, who must Release it; it has zero rows when the
	// partition holds none. Errors name the file and, where it applies,
	// the line and column.
	Read(ctx context.Context, opts ReadOptions) (arrow.Record, error)
}

// ReadOptions say what to read from a partition.
type ReadOptions struct {
	// Columns to read, by name, in the order wanted; nil reads all of them.
	// A name the schema does not hold is an error.
	Columns []string
	// Filter is advice, as for Dataset.Partitions: a reader may skip parts
	// of the partition (Parquet row groups) that cannot match. The rows it
	// returns still need filtering.
	Filter []Predicate
	// Allocator allocates the record's buffers; nil means
	// memory.DefaultAllocator.
	Allocator memory.Allocator
}

// allocator returns o.Allocator or the default one.
func (o ReadOptions) allocator() memory.Allocator {
	if o.Allocator == nil {
		return memory.DefaultAllocator
	}
	return o.Allocator
}

// CmpOp is the comparison of a Predicate.
type CmpOp int

// The comparisons of predicates. IsNull and NotNull take no value.
const (
	Eq CmpOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
	IsNull
	NotNull
)

var cmpOpNames = [...]string{"=", "!=", "<", "<=", ">", ">=", "is null", "is not null"}

func (op CmpOp) String() string {
	if op < 0 || int(op) >= len(cmpOpNames) {
		return fmt.Sprintf("CmpOp(%d)", int(op))
	}
	return cmpOpNames[op]
}

// A Predicate compares one column with a constant: Column Op Value. A list
// of predicates is their conjunction (all must hold). Predicates follow SQL:
// a null never satisfies a comparison other than IsNull.
type Predicate struct {
	Column string
	Op     CmpOp
	// Value is int64 (for every integer column), float64 (for floating
	// point), string, bool, or time.Time (for dates and timestamps); nil for
	// IsNull and NotNull.
	Value any
}

func (p Predicate) String() string {
	if p.Op == IsNull || p.Op == NotNull {
		return p.Column + " " + p.Op.String()
	}
	if s, ok := p.Value.(string); ok {
		return fmt.Sprintf("%s %s %q", p.Column, p.Op, s)
	}
	return fmt.Sprintf("%s %s %v", p.Column, p.Op, p.Value)
}

// A RecordWriter writes records to one file, atomically: the records go to a
// temporary file beside the target, and Close renames it to the target
// name, so that a reader never sees half a file. Abort (or a failed Write
// or Close) removes the temporary file. Records passed to Write are
// borrowed: valid during the call.
type RecordWriter interface {
	Write(rec arrow.Record) error
	// Close finishes the file and gives it its name.
	Close() error
	// Abort removes what was written. It is safe to call after Close, where
	// it does nothing, and more than once.
	Abort() error
}
