package h2o

// digitPairs holds "00".."99" for writing two digits at a time.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// appendUint appends the decimal form of v, left-padded with zeros to at
// least width digits (width <= 20).
func appendUint(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v >= 100 {
		q := v / 100
		r := v - q*100
		i -= 2
		tmp[i], tmp[i+1] = digitPairs[2*r], digitPairs[2*r+1]
		v = q
	}
	if v >= 10 {
		i -= 2
		tmp[i], tmp[i+1] = digitPairs[2*v], digitPairs[2*v+1]
	} else {
		i--
		tmp[i] = byte('0' + v)
	}
	for len(tmp)-i < width {
		i--
		tmp[i] = '0'
	}
	return append(b, tmp[i:]...)
}

// microScale is the number of units of the rounded reals in one: they
// carry 6 decimals.
const microScale = 1_000_000

// appendMicro appends m/1e6 (m >= 0) in its shortest decimal form, as R's
// fwrite prints round(x, 6): "23.574912", "5.1", "42". Parsing the text
// gives the float64 nearest to m/1e6.
func appendMicro(b []byte, m uint64) []byte {
	ip, frac := m/microScale, m%microScale
	b = appendUint(b, ip, 1)
	if frac == 0 {
		return b
	}
	digits := 6
	for frac%10 == 0 {
		frac /= 10
		digits--
	}
	b = append(b, '.')
	return appendUint(b, frac, digits)
}

// uniformMicro returns round(runif(0, 100), 6) in millionths: a value in
// [0, 1e8] drawn from the 64-bit word u.
func uniformMicro(u uint64) uint64 {
	// u/2^64 * 1e8, rounded to the nearest integer.
	return (below(u, 2*100*microScale) + 1) / 2
}

// lexCompare compares the decimal forms of a and b, zero-padded to width,
// byte-wise, as C-locale string sorting orders "id%03d" keys ("id1000" <
// "id101"). Zero stands for a missing value and sorts first.
func lexCompare(a, b uint64, width int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return -1
	case b == 0:
		return 1
	}
	if la, lb := max(decimalLen(a), width), max(decimalLen(b), width); la == lb {
		if a < b {
			return -1
		}
		return 1
	}
	var ba, bb [24]byte
	sa := appendUint(ba[:0], a, width)
	sb := appendUint(bb[:0], b, width)
	for i := 0; i < len(sa) && i < len(sb); i++ {
		if sa[i] != sb[i] {
			if sa[i] < sb[i] {
				return -1
			}
			return 1
		}
	}
	if len(sa) < len(sb) {
		return -1
	}
	return 1
}

// decimalLen returns the number of decimal digits of v (1 for 0).
func decimalLen(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}
