package io

import (
	"bufio"
	"errors"
	"fmt"
	goio "io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// IPCCompression is the codec of the buffers of an Arrow IPC file that
// CreateIPC writes.
type IPCCompression int

// The IPC codecs. The zero value, IPCUncompressed, is the default: an
// uncompressed file is read without copying.
const (
	IPCUncompressed IPCCompression = iota
	// IPCLZ4 is LZ4 frame compression: fast to write and to read.
	IPCLZ4
	// IPCZSTD gives smaller files for more time spent writing.
	IPCZSTD
)

var ipcCompressionNames = [...]string{"uncompressed", "lz4", "zstd"}

func (c IPCCompression) String() string {
	if c < 0 || int(c) >= len(ipcCompressionNames) {
		return fmt.Sprintf("IPCCompression(%d)", int(c))
	}
	return ipcCompressionNames[c]
}

// IPCWriteOptions configure CreateIPC. The zero value writes an
// uncompressed file in the IPC file format.
type IPCWriteOptions struct {
	// Stream writes the IPC stream format (usually named *.arrows), which
	// a reader can only read from its start, instead of the file format
	// (*.arrow), which has a footer for random access to record batches.
	Stream bool
	// Compression is the buffers' codec.
	Compression IPCCompression
}

// CreateIPC returns a RecordWriter that writes records of the given schema
// to an Arrow IPC file at path, atomically (see RecordWriter): the file
// appears, complete, when Close returns nil. Each record written becomes
// one record batch, so the writer's caller chooses the batch sizes (which
// OpenIPC groups into partitions).
//
// Write takes records whose fields have the schema's names and types in
// its order; a record that differs (or has nulls in a column the schema
// says is not nullable) is an error that aborts the file. The file format
// holds one dictionary per dictionary-encoded field: there, every record
// must carry the same dictionary (by value) for a field, or Write fails;
// the stream format takes a new dictionary with any record.
func CreateIPC(path string, schema *arrow.Schema, opts IPCWriteOptions) (RecordWriter, error) {
	ipcOpts := []ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator)}
	switch opts.Compression {
	case IPCUncompressed:
	case IPCLZ4:
		ipcOpts = append(ipcOpts, ipc.WithLZ4())
	case IPCZSTD:
		ipcOpts = append(ipcOpts, ipc.WithZstd())
	default:
		return nil, fmt.Errorf("io: unknown IPC compression %v", opts.Compression)
	}
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	w := &ipcWriter{writerState: writerState{path: path}, schema: schema, af: af, copyDicts: !opts.Stream && hasDictionary(schema)}
	w.sink.w = af.File
	w.out.buf = bufio.NewWriterSize(&w.sink, 1<<20)
	if opts.Stream {
		w.enc = ipc.NewWriter(&w.out, ipcOpts...)
	} else {
		fw, err := ipc.NewFileWriter(&w.out, ipcOpts...)
		if err != nil {
			af.abort()
			return nil, fmt.Errorf("io: creating %s: %w", path, err)
		}
		w.enc = fw
	}
	return w, nil
}

// ipcEncoder is what ipc.Writer and ipc.FileWriter have in common.
type ipcEncoder interface {
	Write(arrow.Record) error
	Close() error
}

// ipcWriter is the RecordWriter of CreateIPC.
type ipcWriter struct {
	writerState
	schema *arrow.Schema
	af     *atomicFile
	sink   switchableWriter // the file, or nothing once aborted
	out    positionWriter   // buffers writes to sink
	enc    ipcEncoder
	// copyDicts is set for the file format of a schema with dictionaries:
	// ipc.FileWriter keeps a reference to the last dictionary of each field
	// and never drops it, so it is given copies that the garbage collector
	// frees, not the caller's buffers.
	copyDicts bool
}

// positionWriter buffers writes and knows its position, which is all the
// seeking ipc.FileWriter does (Seek(0, io.SeekCurrent)).
type positionWriter struct {
	buf *bufio.Writer
	pos int64
}

func (w *positionWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	w.pos += int64(n)
	return n, err
}

func (w *positionWriter) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && whence == goio.SeekCurrent {
		return w.pos, nil
	}
	return 0, errors.New("io: the IPC writer's output only tells its position")
}

// Write writes rec as one record batch. rec is borrowed. An error aborts
// the file.
func (w *ipcWriter) Write(rec arrow.Record) (err error) {
	if err := w.usable(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
		if err != nil {
			err = fmt.Errorf("io: writing %s: %w", w.path, err)
			w.fail(err)
		}
	}()
	rec, err = conformRecord(rec, w.schema)
	if err != nil {
		return err
	}
	defer rec.Release()
	if w.copyDicts {
		rec, err = withCopiedDictionaries(rec)
		if err != nil {
			return err
		}
		defer rec.Release()
	}
	return w.enc.Write(rec)
}

// withCopiedDictionaries returns rec with the dictionaries of its top-level
// dictionary columns copied into Go memory. The result is a new reference.
func withCopiedDictionaries(rec arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, rec.NumCols())
	for i, c := range rec.Columns() {
		d, ok := c.(*array.Dictionary)
		if !ok {
			c.Retain()
			cols[i] = c
			continue
		}
		dict, err := array.Concatenate([]arrow.Array{d.Dictionary()}, memory.DefaultAllocator)
		if err == nil {
			cols[i] = array.NewDictionaryArray(d.DataType(), d.Indices(), dict)
			dict.Release()
			continue
		}
		for _, c := range cols[:i] {
			c.Release()
		}
		return nil, err
	}
	out := array.NewRecord(rec.Schema(), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

func (w *ipcWriter) fail(err error) {
	w.Abort()
	w.err = err
}

// Close finishes the file (the end-of-stream marker, or the footer) and
// gives it its name. Close after Close does nothing; Close after Abort or
// after a failed Write returns an error.
func (w *ipcWriter) Close() (err error) {
	if w.state == writerClosed && w.err == nil {
		return nil
	}
	if err := w.usable(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("io: writing %s: %v", w.path, r)
		}
		if err != nil {
			w.fail(err)
		}
	}()
	if err := w.enc.Close(); err != nil {
		return fmt.Errorf("io: writing %s: %w", w.path, err)
	}
	if err := w.out.buf.Flush(); err != nil {
		return fmt.Errorf("io: writing %s: %w", w.path, err)
	}
	w.state = writerClosed
	return w.af.commit()
}

// Abort removes the temporary file. After Close it does nothing.
func (w *ipcWriter) Abort() error {
	if w.state != writerOpen {
		return nil
	}
	w.state = writerAborted
	w.sink.w = goio.Discard
	func() {
		defer func() { recover() }() // the writer is being thrown away
		w.enc.Close()
	}()
	return w.af.abort()
}
