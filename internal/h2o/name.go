package h2o

import (
	"strconv"
	"strings"
)

// prettySci writes n the way the R scripts name their files: a power of
// ten times a digit as "1e7", "5e8"; other numbers as their mantissa and
// exponent, "1.5e7", "1.23e2" (where R's pretty_sci would drop digits of
// numbers it does not print in scientific notation, this keeps them so that
// different sizes never share a name).
func prettySci(n int64) string {
	if n <= 0 {
		return strconv.FormatInt(n, 10)
	}
	s := strconv.FormatInt(n, 10)
	exp := len(s) - 1
	mant := strings.TrimRight(s, "0")
	if len(mant) == 1 {
		return mant + "e" + strconv.Itoa(exp)
	}
	return mant[:1] + "." + mant[1:] + "e" + strconv.Itoa(exp)
}
