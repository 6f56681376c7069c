package graph

import "reflect"

// Release calls v's Release method if it has one (as arrow.Record and other
// reference-counted values do) and is not a nil pointer: a function that
// fails may return a typed nil with its error. Executors call it on every
// value whose last consumer has run.
func Release(v any) {
	r, ok := v.(interface{ Release() })
	if !ok {
		return
	}
	if rv := reflect.ValueOf(r); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return
	}
	r.Release()
}
