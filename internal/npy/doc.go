// Package npy reads and writes NumPy .npy files, the format the chunked
// array engine uses to store one chunk per file.
//
// # Format
//
// A .npy file is the magic string "\x93NUMPY", a major and a minor version
// byte, the little-endian length of the header (2 bytes in version 1.0, 4
// bytes in versions 2.0 and 3.0), the header, and then the raw elements. The
// header is a Python dict literal such as
//
//	{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
//
// padded with spaces and ended by '\n' so that the data starts at a multiple
// of 64 bytes. Version 3.0 differs from 2.0 only in that the header is UTF-8
// rather than Latin-1.
//
// # Supported subset
//
// Only plain arrays of five element types are supported, named by the DType
// constants: Float64 ("<f8"), Float32 ("<f4"), Int64 ("<i8"), Int32 ("<i4")
// and Bool ("|b1"). They map to []float64, []float32, []int64, []int32 and
// []bool. Structured, object, string, complex and other dtypes are rejected
// with a *FormatError that names the descr.
//
// Reading accepts versions 1.0, 2.0 and 3.0, any order of the dict keys,
// single or double quotes, big-endian descrs (">f8"), whose elements are
// converted to the machine's byte order, native descrs ("=f8", read as
// little-endian, the same as "<f8"), and Fortran-order data, which is
// transposed to C order. Read returns the shape and elements in C (row-major) order.
//
// Write always writes C order and little-endian descrs, with a header that is
// byte-for-byte what NumPy 1.24 writes for the same array: version 1.0, or
// 2.0 when the header does not fit in 65535 bytes. On little-endian machines
// the elements are written straight from the slice's memory.
//
// # Ownership
//
// Write and WriteFile only read the slice they are given and keep no
// reference to it. The shape and slice returned by Read, ReadLimit and
// ReadFile are newly allocated and owned by the caller.
//
// # Limits
//
// Read refuses arrays of more than MaxDataBytes (1<<40) bytes of data, and
// ReadLimit refuses arrays larger than a caller's limit, before allocating
// anything for them. When the number of bytes left in the input cannot be
// known in advance (it can for files and in-memory readers), memory is
// allocated as data arrives, so a header that promises more data than the
// input holds fails with a truncation error instead of exhausting memory.
// Headers longer than MaxHeaderLen bytes are refused on both sides. Read
// consumes exactly the header and the data from its reader and nothing more,
// so several arrays may be read from one stream in sequence.
//
// WriteFile writes to a temporary file in the destination directory and
// renames it into place, so readers never see a partly written file; it does
// not call fsync.
//
// # Errors
//
// Malformed input is reported as a *FormatError; failures of the underlying
// reader, writer or file system are returned wrapped. Reading never panics,
// whatever the input.
package npy
