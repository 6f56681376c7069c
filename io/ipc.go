package io

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// ipcPartitionBytes is the partition size when IPCOptions.PartitionBytes
// is 0: 64 MiB.
const ipcPartitionBytes = 64 << 20

// ipcFileMagic opens (and closes) a file of the IPC file format.
var ipcFileMagic = []byte("ARROW1")

// IPCOptions configure OpenIPC. The zero value is ready to use.
type IPCOptions struct {
	// PartitionBytes is the target size of a partition of a file in the
	// IPC file format, in bytes of record batch bodies as stored
	// (compressed, if the file is): consecutive batches are grouped into
	// one partition while their total stays within PartitionBytes. A batch
	// is never split, so one larger than PartitionBytes is a partition by
	// itself. A file in the stream format, which can only be read from its
	// start, is always one partition. 0 means 64 MiB.
	PartitionBytes int64
}

// An IPCDataset is a set of Arrow IPC files of one schema, opened by
// OpenIPC. It implements Dataset: a file of the IPC file format (which
// starts with "ARROW1" and ends with a footer listing its record batches)
// gives a partition per range of batches, and a file of the stream format
// gives one partition. IPC files keep no statistics, so Partitions ignores
// its filter. It is immutable and safe for concurrent use.
type IPCDataset struct {
	paths  []string
	schema *arrow.Schema
	plan   []*ipcPartition
}

// ipcFile is what OpenIPC learned about one file.
type ipcFile struct {
	path   string
	stream bool
	schema *arrow.Schema
	// bodies[i] is the stored size of record batch i's body (file format).
	bodies []int64
}

// OpenIPC opens the Arrow IPC files that paths name (files, globs or
// directories, see ResolvePaths; a directory gives its *.arrow, *.arrows,
// *.ipc and *.feather files), in the file format (random access; Feather
// version 2 is this format) or the stream format, told apart by their first
// bytes. It reads each file's schema (and, for the file format, its footer)
// in parallel, and checks that all files have the same schema: the same
// field names in the same order, of the same types (a field may be nullable
// in one file and not in another; the dataset's field is then nullable).
//
// An empty file, a file of neither format, a truncated file of the file
// format and a schema that differs between two files (the error names both
// files and the first field that differs) are errors; with several bad
// files, the error is about the first in path order. A stream cut short
// is found when its partition is read. ctx cancels the opening.
func OpenIPC(ctx context.Context, paths []string, opts IPCOptions) (*IPCDataset, error) {
	resolved, err := ResolvePaths(paths, ".arrow", ".arrows", ".ipc", ".feather")
	if err != nil {
		return nil, err
	}
	files, err := openEach(ctx, resolved, openIPCFile)
	if err != nil {
		return nil, err
	}
	schemas := make([]*arrow.Schema, len(files))
	for i, f := range files {
		schemas[i] = f.schema
	}
	sc, err := agreeSchemas(resolved, schemas)
	if err != nil {
		return nil, err
	}
	d := &IPCDataset{paths: resolved, schema: sc}
	target := opts.PartitionBytes
	if target <= 0 {
		target = ipcPartitionBytes
	}
	for _, f := range files {
		d.plan = append(d.plan, f.plan(d, target)...)
	}
	return d, nil
}

// openIPCFile reads one file's schema, and its footer if it has one.
func openIPCFile(path string) (f *ipcFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("io: %s is not a valid Arrow IPC file: %v", path, r)
		}
	}()
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("io: %s is empty, not an Arrow IPC file", path)
	}
	head := make([]byte, len(ipcFileMagic))
	n, _ := fh.ReadAt(head, 0)
	if n == len(head) && bytes.Equal(head, ipcFileMagic) {
		r, err := ipc.NewFileReader(fh, ipc.WithAllocator(memory.DefaultAllocator))
		if err != nil {
			return nil, fmt.Errorf("io: %s is not a valid Arrow IPC file: %w", path, err)
		}
		defer r.Close()
		bodies, err := ipcFooterBodies(fh, st.Size())
		if err != nil {
			return nil, fmt.Errorf("io: %s is not a valid Arrow IPC file: %w", path, err)
		}
		if len(bodies) != r.NumRecords() {
			return nil, fmt.Errorf("io: %s is not a valid Arrow IPC file: its footer lists %d record batches, the Arrow reader finds %d", path, len(bodies), r.NumRecords())
		}
		return &ipcFile{path: path, schema: r.Schema(), bodies: bodies}, nil
	}
	r, err := ipc.NewReader(bufio.NewReader(fh), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, fmt.Errorf("io: %s is not a valid Arrow IPC file or stream: %w", path, err)
	}
	defer r.Release()
	return &ipcFile{path: path, stream: true, schema: r.Schema()}, nil
}

// hasDictionary reports whether a schema has a dictionary-encoded field,
// at any depth.
func hasDictionary(sc *arrow.Schema) bool {
	var has func(t arrow.DataType) bool
	has = func(t arrow.DataType) bool {
		switch t := t.(type) {
		case *arrow.DictionaryType:
			return true
		case arrow.NestedType:
			for _, f := range t.Fields() {
				if has(f.Type) {
					return true
				}
			}
		}
		return false
	}
	for _, f := range sc.Fields() {
		if has(f.Type) {
			return true
		}
	}
	return false
}

// ipcFooterBodies reads the footer of a file of the IPC file format and
// returns the body length of each record batch. The footer is a
// flatbuffer (Arrow's File.fbs): a table Footer whose field 3,
// recordBatches, is a vector of struct Block { offset: long;
// metaDataLength: int; bodyLength: long } of 24 bytes each. The file ends
// with the footer, its length (int32) and "ARROW1".
func ipcFooterBodies(r interface {
	ReadAt([]byte, int64) (int, error)
}, size int64) ([]int64, error) {
	tail := int64(4 + len(ipcFileMagic))
	if size < tail+int64(len(ipcFileMagic)) {
		return nil, errors.New("file too short for a footer")
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil {
		return nil, fmt.Errorf("reading the footer: %w", err)
	}
	n := int64(int32(binary.LittleEndian.Uint32(buf)))
	if n <= 0 || n > size-tail {
		return nil, fmt.Errorf("footer length %d does not fit the file", n)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-tail-n); err != nil {
		return nil, fmt.Errorf("reading the footer: %w", err)
	}
	return parseIPCFooterBodies(footer)
}

// parseIPCFooterBodies decodes the body lengths from a footer flatbuffer,
// checking every offset against the buffer.
func parseIPCFooterBodies(fb []byte) ([]int64, error) {
	bad := errors.New("corrupt footer")
	u32 := func(pos int64) (int64, bool) {
		if pos < 0 || pos+4 > int64(len(fb)) {
			return 0, false
		}
		return int64(binary.LittleEndian.Uint32(fb[pos:])), true
	}
	u16 := func(pos int64) (int64, bool) {
		if pos < 0 || pos+2 > int64(len(fb)) {
			return 0, false
		}
		return int64(binary.LittleEndian.Uint16(fb[pos:])), true
	}
	table, ok := u32(0)
	if !ok {
		return nil, bad
	}
	soff, ok := u32(table)
	if !ok {
		return nil, bad
	}
	vtable := table - int64(int32(uint32(soff)))
	vtSize, ok := u16(vtable)
	if !ok {
		return nil, bad
	}
	const recordBatchesField = 3
	slot := 4 + 2*int64(recordBatchesField)
	if slot+2 > vtSize {
		return nil, nil // field absent: no batches
	}
	off, ok := u16(vtable + slot)
	if !ok {
		return nil, bad
	}
	if off == 0 {
		return nil, nil
	}
	field := table + off
	rel, ok := u32(field)
	if !ok {
		return nil, bad
	}
	vec := field + rel
	count, ok := u32(vec)
	if !ok {
		return nil, bad
	}
	const blockSize = 24
	if count > (int64(len(fb))-vec-4)/blockSize {
		return nil, bad
	}
	bodies := make([]int64, count)
	for i := range bodies {
		pos := vec + 4 + int64(i)*blockSize
		body := int64(binary.LittleEndian.Uint64(fb[pos+16:]))
		if body < 0 {
			return nil, bad
		}
		bodies[i] = body
	}
	return bodies, nil
}

// plan groups a file's batches into partitions of about target bytes.
func (f *ipcFile) plan(d *IPCDataset, target int64) []*ipcPartition {
	if f.stream {
		return []*ipcPartition{{d: d, file: f}}
	}
	var out []*ipcPartition
	first, sum := 0, int64(0)
	for i, b := range f.bodies {
		if i > first && sum+b > target {
			out = append(out, &ipcPartition{d: d, file: f, first: first, end: i})
			first, sum = i, 0
		}
		sum += b
	}
	if len(f.bodies) > first {
		out = append(out, &ipcPartition{d: d, file: f, first: first, end: len(f.bodies)})
	}
	return out
}

// Format returns "ipc".
func (d *IPCDataset) Format() string { return "ipc" }

// Paths returns the dataset's files, in the order of their partitions. The
// slice must not be modified.
func (d *IPCDataset) Paths() []string { return d.paths }

// Schema returns the Arrow schema of the dataset.
func (d *IPCDataset) Schema() *arrow.Schema { return d.schema }

// Partitions returns every partition, in file order: ranges of record
// batches of the IPC file format's files (see IPCOptions.PartitionBytes),
// one partition per stream. A file of the file format without batches
// has no partition. IPC files keep no statistics: filter is ignored.
func (d *IPCDataset) Partitions(filter []Predicate) []Partition {
	out := make([]Partition, len(d.plan))
	for i, p := range d.plan {
		out[i] = p
	}
	return out
}

// An ipcPartition is the record batches [first, end) of a file of the file
// format, or a whole stream.
type ipcPartition struct {
	d          *IPCDataset
	file       *ipcFile
	first, end int
}

// String names the file and the batches, such as "data/x.arrow batches
// 0-3" (inclusive), "data/x.arrow batch 4" or "data/x.arrows stream".
func (p *ipcPartition) String() string {
	switch {
	case p.file.stream:
		return p.file.path + " stream"
	case p.end-p.first == 1:
		return fmt.Sprintf("%s batch %d", p.file.path, p.first)
	}
	return fmt.Sprintf("%s batches %d-%d", p.file.path, p.first, p.end-1)
}

// Read reads the partition's record batches into one record of
// opts.Columns (every column when nil, none when empty and not nil). One
// batch is returned without copying (a chosen column keeps the batch's
// body buffer alive); several are concatenated into new buffers. The
// buffers come from opts.Allocator and the record is owned by the caller.
// opts.Filter is ignored. ctx is checked between batches. Errors name the
// partition, and so its file.
func (p *ipcPartition) Read(ctx context.Context, opts ReadOptions) (arrow.Record, error) {
	sel, err := selectColumns(p.d.schema, opts.Columns, p.file.path)
	if err != nil {
		return nil, err
	}
	rec, err := p.read(ctx, sel, opts.allocator())
	if err != nil {
		return nil, fmt.Errorf("io: reading %s: %w", p, err)
	}
	return rec, nil
}

func (p *ipcPartition) read(ctx context.Context, sel columnSelection, mem memory.Allocator) (rec arrow.Record, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	chunks := make([][]arrow.Array, len(sel.indices))
	var nrows int64
	handedOver := false
	defer func() {
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("the IPC reader failed (a corrupt file?): %v", r)
		}
		if !handedOver {
			for _, cs := range chunks {
				for _, c := range cs {
					c.Release()
				}
			}
		}
	}()
	take := func(batch arrow.Record) error {
		if batch.NumCols() != int64(p.d.schema.NumFields()) {
			return fmt.Errorf("a record batch has %d columns, the schema %d", batch.NumCols(), p.d.schema.NumFields())
		}
		for j, fi := range sel.indices {
			c := batch.Column(fi)
			c.Retain()
			chunks[j] = append(chunks[j], c)
		}
		nrows += batch.NumRows()
		return nil
	}
	fh, err := os.Open(p.file.path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// ipc.FileReader never releases the dictionaries it reads (it has no
	// Release), so a schema with dictionaries is read with the Go allocator
	// and copied into mem.
	readMem := mem
	if !p.file.stream && hasDictionary(p.file.schema) {
		readMem = memory.DefaultAllocator
	}
	if p.file.stream {
		r, err := ipc.NewReader(bufio.NewReaderSize(fh, 1<<20), ipc.WithAllocator(mem))
		if err != nil {
			return nil, err
		}
		defer r.Release()
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !r.Next() {
				break
			}
			if err := take(r.Record()); err != nil {
				return nil, err
			}
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
	} else {
		r, err := ipc.NewFileReader(fh, ipc.WithAllocator(readMem))
		if err != nil {
			return nil, err
		}
		defer r.Close()
		if r.NumRecords() < p.end {
			return nil, fmt.Errorf("the file has %d record batches, it had %d when opened", r.NumRecords(), len(p.file.bodies))
		}
		for i := p.first; i < p.end; i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			batch, err := r.RecordAt(i)
			if err != nil {
				return nil, err
			}
			err = take(batch)
			batch.Release()
			if err != nil {
				return nil, err
			}
		}
	}
	handedOver = true
	return recordFromChunks(mem, sel.schema, chunks, nrows, readMem != mem)
}
