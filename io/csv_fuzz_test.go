package io

import (
	"context"
	"path/filepath"
	"testing"
)

// FuzzCSV reads fuzzed CSV text whole and in partitions of a fuzzed block
// size, and compares both with the reference parser: the same rows, or
// the same first error (line, column and kind). flags picks options: 1 a
// '#' comment, 2 a '\\' escape, 4 no quoting, 8 no header, 16 ';' as the
// delimiter. It also opens the file with type inference and reads it,
// which must not panic. Run it with
//
//	go test ./io -run '^$' -fuzz FuzzCSV -fuzztime 2m
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n",
		"a,b\r\n\"x\r\ny\",\"q\"\"q\"\r\n3,\n",
		"\xef\xbb\xbfa\n\n1\n\"\"\n",
		"a,b\n1,\"unclosed\n2,3\n",
		"a,b\n1,x\"y\n",
		"a,b\n1,\"x\"y\n",
		"a,b,c\n1,2\n1,2,3,4\n",
		"# c \"\na;b\n#x\n\"a\\\";\";1\n",
		",,\n,,\n\"\",\"\",\"\"\n",
		"a,b\n\n\n1,2\n\r\n",
		"x\n1.5\n2\nabc\n",
		"t,d\n2024-01-01T00:00:00Z,2024-01-01\n",
	} {
		for _, flags := range []uint8{0, 3, 4, 8, 16, 19} {
			f.Add([]byte(s), uint16(3), flags)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, block uint16, flags uint8) {
		if len(data) > 1<<14 {
			return
		}
		o := CSVOptions{BlockSize: 1 << 30}
		ro := csvRefOptions{delim: ',', quote: '"'}
		if flags&1 != 0 {
			o.Comment, ro.comment = '#', '#'
		}
		if flags&2 != 0 {
			o.Escape, ro.escape = '\\', '\\'
		}
		if flags&4 != 0 {
			o.NoQuote, ro.quote, ro.escape = true, 0, 0
		}
		if flags&8 != 0 {
			o.NoHeader, ro.noHeader = true, true
		}
		if flags&16 != 0 {
			o.Delimiter, ro.delim = ';', ';'
		}
		path := filepath.Join(t.TempDir(), "f.csv")
		csvWriteFile(t, filepath.Dir(path), "f.csv", string(data))
		ctx := context.Background()

		// Inference: any outcome but a panic or a leak.
		if ds, err := OpenCSV(ctx, []string{path}, o); err == nil {
			csvReadAll(t, ds, ReadOptions{})
		}

		names, ref, rerr := csvRefParse(string(data), ro)
		if names == nil || csvDuplicate(names) != "" {
			if _, err := OpenCSV(ctx, []string{path}, o); err == nil && names == nil {
				t.Fatalf("OpenCSV: got no error for a file without a first row (reference: %v)", rerr)
			}
			return
		}
		o.Schema = csvStringSchema(names)
		whole, err := OpenCSV(ctx, []string{path}, o)
		if err != nil {
			t.Fatalf("OpenCSV: %v", err)
		}
		// Tiny blocks, but not so many partitions that one run takes long.
		o.BlockSize = max(1+int64(block%512), int64(len(data)/256))
		parted, err := OpenCSV(ctx, []string{path}, o)
		if err != nil {
			t.Fatalf("OpenCSV: %v", err)
		}
		for _, ds := range []*CSVDataset{whole, parted} {
			rows, err := csvReadAll(t, ds, ReadOptions{})
			if rerr != nil {
				csvCompareErrors(t, err, rerr, path)
				continue
			}
			if err != nil {
				t.Fatalf("block size %d: %v", ds.cfg.blockSize, err)
			}
			if got, want := csvRowsString(rows), csvRowsString(csvRefCells(ref)); got != want {
				t.Fatalf("block size %d: got\n%s\nwant\n%s", ds.cfg.blockSize, got, want)
			}
		}
	})
}
