package spill

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// EnvMemoryLimit names the environment variable that sets dusk's memory
// limit, in any form [ParseLimit] accepts: "8GiB", "60%", "none".
const EnvMemoryLimit = "DUSK_MEMORY_LIMIT"

// EnvSpillDir names the environment variable that sets the directory under
// which spilled data is written (a fresh directory is made inside it).
const EnvSpillDir = "DUSK_SPILL_DIR"

// DefaultLimitFraction is the share of [SystemMemory] that dusk's data may
// take when no limit is set.
//
// Half, because the limit bounds the live bytes dusk accounts, not the
// process: with the default GOGC=100, Go's garbage collector lets the heap
// grow to about twice the live bytes before it collects, so a limit of half
// the memory already lets the heap reach all of it at its peak; and the rest
// of the program (goroutine stacks, unaccounted values, the runtime, the
// page cache the spill store reads through) needs room too.
const DefaultLimitFraction = 0.5

// FallbackLimit is the memory limit used when [SystemMemory] cannot tell
// the memory available (not Linux, or /proc and /sys unreadable), and the
// total that percentages are taken of in that case.
const FallbackLimit int64 = 4 << 30

// ErrBadLimit is wrapped by every error of [ParseBytes], [ParseLimit] and
// [LimitFromEnv] about a malformed size or limit, so that
// errors.Is(err, ErrBadLimit) reaches it.
var ErrBadLimit = errors.New("spill: bad size or memory limit")

// unitsWant lists the units a size may have, for error messages.
const unitsWant = "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"

// limitWant adds what a limit accepts beyond a size.
const limitWant = ", a percentage such as 50%, or none"

// sizeError is a malformed size or limit. Its message quotes the input and
// says what is accepted:
//
//	spill: invalid size "4XB": unknown unit "XB" (want B, KB, ...)
//	spill: DUSK_MEMORY_LIMIT="4XB": unknown unit "XB" (want B, KB, ..., or none)
type sizeError struct {
	name   string // the environment variable, or "" for a plain value
	what   string // "size" or "memory limit", when name is ""
	input  string
	reason string
	want   string
}

func (e *sizeError) Error() string {
	if e.name != "" {
		return fmt.Sprintf("spill: %s=%q: %s (want %s)", e.name, e.input, e.reason, e.want)
	}
	return fmt.Sprintf("spill: invalid %s %q: %s (want %s)", e.what, e.input, e.reason, e.want)
}

func (e *sizeError) Unwrap() error { return ErrBadLimit }

// ParseBytes parses a size as users write it: a non-negative number,
// optionally followed by a unit, optionally separated by spaces:
// "4GiB", "4 GiB", "512MiB", "1.5GB", "1000000", "2e9".
//
// Units are case-insensitive ("4gb" is 4 GB):
//
//   - B, or no unit: bytes;
//   - KB, MB, GB, TB: powers of 1000 (1 GB = 1e9 bytes);
//   - KiB, MiB, GiB, TiB: powers of 1024 (1 GiB = 1<<30 bytes);
//   - K, M, G, T alone: taken as KiB, MiB, GiB, TiB, as memory sizes
//     usually are (the JVM's -Xmx4g, Docker's --memory 4g).
//
// A fractional number of bytes is rounded to the nearest byte. Empty,
// negative, NaN, infinite and unparsable numbers, unknown units and sizes
// beyond the range of int64 are errors that wrap [ErrBadLimit].
func ParseBytes(s string) (int64, error) {
	n, reason, want := parseBytes(s)
	if reason != "" {
		return 0, &sizeError{what: "size", input: s, reason: reason, want: want}
	}
	return n, nil
}

// parseBytes is ParseBytes without the error's framing: on failure it
// returns why, and what is wanted, without the limit's extra forms.
func parseBytes(s string) (n int64, reason, want string) {
	const wantNumber = "a size such as 4GiB or 1.5GB"
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "empty", wantNumber
	}
	num, unit := splitNumber(t)
	if num == "" {
		if strings.HasPrefix(t, "-") {
			return 0, "negative", wantNumber
		}
		return 0, "not a number", wantNumber
	}
	if strings.HasPrefix(num, "-") {
		return 0, "negative", wantNumber
	}
	mult, ok := unitSize(unit)
	if !ok {
		return 0, fmt.Sprintf("unknown unit %q", unit), unitsWant
	}
	tooLarge := "larger than the largest size, " + FormatBytes(math.MaxInt64)
	if i, err := strconv.ParseInt(num, 10, 64); err == nil {
		// Whole numbers are exact, even beyond float64's 53 bits.
		if i > math.MaxInt64/mult {
			return 0, tooLarge, wantNumber
		}
		return i * mult, "", ""
	}
	// Not a whole number, or one beyond int64. ParseFloat fails only with
	// ErrRange here (splitNumber let through a well-formed number): an
	// exponent too large gives ±Inf, one too small gives 0.
	f, _ := strconv.ParseFloat(num, 64)
	f = math.Round(f * float64(mult))
	if f >= 1<<63 { // also +Inf; float64(math.MaxInt64) is 1<<63
		return 0, tooLarge, wantNumber
	}
	return int64(f), "", ""
}

// splitNumber splits t into a leading decimal number (optional sign,
// digits, an optional fraction, an optional exponent) and the rest, with
// the spaces between them trimmed. It accepts no "Inf", "NaN", hexadecimal
// or underscores, so those fail as "not a number" or an unknown unit.
func splitNumber(t string) (num, rest string) {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(t) && isDigit(t[i]); i++ {
		digits++
	}
	if i < len(t) && t[i] == '.' {
		i++
		for ; i < len(t) && isDigit(t[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return "", t
	}
	// An exponent only when digits follow: "2e9" is a number, "2EB" is not.
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < len(t) && (t[j] == '+' || t[j] == '-') {
			j++
		}
		if j < len(t) && isDigit(t[j]) {
			for j < len(t) && isDigit(t[j]) {
				j++
			}
			i = j
		}
	}
	return t[:i], strings.TrimSpace(t[i:])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// unitSize returns the bytes in one unit, case-insensitively.
func unitSize(unit string) (int64, bool) {
	switch strings.ToLower(unit) {
	case "", "b":
		return 1, true
	case "kb":
		return 1e3, true
	case "mb":
		return 1e6, true
	case "gb":
		return 1e9, true
	case "tb":
		return 1e12, true
	case "k", "kib":
		return 1 << 10, true
	case "m", "mib":
		return 1 << 20, true
	case "g", "gib":
		return 1 << 30, true
	case "t", "tib":
		return 1 << 40, true
	}
	return 0, false
}

// ParseLimit parses a memory limit: any size [ParseBytes] accepts, a
// percentage of total ("60%", "12.5 %", in (0, 100]), or "none" or "off"
// (case-insensitive) for no limit. A size of zero ("0", "0B") also means
// no limit.
//
// No limit is returned as -1; every other result is positive. A percentage
// when total is not positive is an error. Errors wrap [ErrBadLimit].
func ParseLimit(s string, total int64) (int64, error) {
	n, reason, want := parseLimit(s, total)
	if reason != "" {
		return 0, &sizeError{what: "memory limit", input: s, reason: reason, want: want}
	}
	return n, nil
}

func parseLimit(s string, total int64) (n int64, reason, want string) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "none", "off":
		return -1, "", ""
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		const wantPercent = "a percentage in (0%, 100%]"
		num, rest := splitNumber(strings.TrimSpace(p))
		if num == "" || rest != "" {
			return 0, "not a percentage", wantPercent
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || !(f > 0 && f <= 100) {
			return 0, "percentage out of range", wantPercent
		}
		if total <= 0 {
			return 0, "percentage of an unknown total", "a size such as 4GiB, or none"
		}
		return max(int64(math.Round(float64(total)*f/100)), 1), "", ""
	}
	n, reason, want = parseBytes(t)
	if reason != "" {
		return 0, reason, want + limitWant
	}
	if n == 0 {
		return -1, "", ""
	}
	return n, "", ""
}

// LimitFromEnv reads the memory limit from the environment variable
// [EnvMemoryLimit] through getenv (os.Getenv, or a fake in tests), in any
// form [ParseLimit] accepts; percentages are of [SystemMemory], or of
// [FallbackLimit] when that is unknown. -1 means no limit.
//
// When the variable is unset or blank, it returns [DefaultLimit] and
// set = false. A malformed value is an error that names the variable and
// quotes the value, and wraps [ErrBadLimit]:
//
//	spill: DUSK_MEMORY_LIMIT="4XB": unknown unit "XB" (want B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, a percentage such as 50%, or none)
func LimitFromEnv(getenv func(string) string) (limit int64, set bool, err error) {
	return limitFromEnv(getenv, SystemMemory)
}

func limitFromEnv(getenv func(string) string, sysmem func() (int64, error)) (int64, bool, error) {
	v := getenv(EnvMemoryLimit)
	if strings.TrimSpace(v) == "" {
		return defaultLimit(sysmem), false, nil
	}
	total := int64(0)
	if strings.HasSuffix(strings.TrimSpace(v), "%") {
		total = FallbackLimit
		if m, err := sysmem(); err == nil {
			total = m
		}
	}
	n, reason, want := parseLimit(v, total)
	if reason != "" {
		return 0, true, &sizeError{name: EnvMemoryLimit, input: v, reason: reason, want: want}
	}
	return n, true, nil
}

// DefaultLimit is the memory limit when none is set:
// [DefaultLimitFraction] of [SystemMemory], or [FallbackLimit] when that is
// unknown.
func DefaultLimit() int64 { return defaultLimit(SystemMemory) }

func defaultLimit(sysmem func() (int64, error)) int64 {
	m, err := sysmem()
	if err != nil || m <= 0 {
		return FallbackLimit
	}
	return max(int64(float64(m)*DefaultLimitFraction), 1)
}

// SystemMemory returns the memory this process may use: the smaller of the
// machine's memory (MemTotal in /proc/meminfo) and the limit of the
// process's memory cgroup, where one is set (cgroup v2 memory.max, where
// "max" means none; cgroup v1 memory.limit_in_bytes, where a value near
// the largest int64 means none). The cgroup is looked for at the root of
// /sys/fs/cgroup, as a container sees it, and at the process's own cgroup
// (/proc/self/cgroup) and its ancestors; the smallest limit found counts.
//
// On systems other than Linux, or when nothing can be read, it returns an
// error (wrapping errors.ErrUnsupported, or the error of reading
// /proc/meminfo); callers fall back to a default such as [FallbackLimit].
// It reads the files on every call.
func SystemMemory() (int64, error) {
	if runtime.GOOS != "linux" {
		return 0, fmt.Errorf("spill: system memory on %s: %w", runtime.GOOS, errors.ErrUnsupported)
	}
	return systemMemory(os.DirFS("/"))
}

// cgroupV1Unlimited: cgroup v1 reports "no limit" as the largest multiple of
// the page size below 1<<63 (9223372036854771712 with 4 KiB pages); any
// limit this large is taken as none.
const cgroupV1Unlimited = 1 << 62

// systemMemory is SystemMemory reading from fsys, the root file system
// (paths have no leading slash), so that tests can give fake files.
func systemMemory(fsys fs.FS) (int64, error) {
	total, merr := memTotal(fsys)
	limit := int64(-1)
	for _, file := range cgroupLimitFiles(fsys) {
		n, ok := readCgroupLimit(fsys, file)
		if ok && (limit < 0 || n < limit) {
			limit = n
		}
	}
	switch {
	case merr != nil && limit < 0:
		return 0, fmt.Errorf("spill: system memory: %w", merr)
	case merr != nil:
		return limit, nil
	case limit >= 0 && limit < total:
		return limit, nil
	}
	return total, nil
}

// memTotal reads MemTotal from proc/meminfo, in bytes.
func memTotal(fsys fs.FS) (int64, error) {
	f, err := fsys.Open("proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			break
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || kb <= 0 || kb > math.MaxInt64>>10 {
			break
		}
		if len(fields) > 1 && !strings.EqualFold(fields[1], "kB") {
			break
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("proc/meminfo: %w", err)
	}
	return 0, errors.New("proc/meminfo: no valid MemTotal line")
}

// cgroupLimitFiles lists the cgroup limit files that may bound this
// process: those at the root of sys/fs/cgroup (a container's own cgroup,
// with cgroup namespaces) and those of the process's cgroup as
// proc/self/cgroup names it, and of each of its ancestors.
func cgroupLimitFiles(fsys fs.FS) []string {
	const (
		v2Root = "sys/fs/cgroup"
		v1Root = "sys/fs/cgroup/memory"
		v2File = "memory.max"
		v1File = "memory.limit_in_bytes"
	)
	files := []string{path.Join(v2Root, v2File), path.Join(v1Root, v1File)}
	data, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if err != nil {
		return files
	}
	// Lines are "hierarchy-ID:controllers:path": "0::/user.slice/x.scope"
	// for cgroup v2, "4:memory:/docker/abc" for v1's memory controller.
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var root, file string
		switch {
		case parts[0] == "0" && parts[1] == "":
			root, file = v2Root, v2File
		case hasController(parts[1], "memory"):
			root, file = v1Root, v1File
		default:
			continue
		}
		for dir := path.Clean("/" + parts[2]); dir != "/"; dir = path.Dir(dir) {
			files = append(files, path.Join(root, dir[1:], file))
		}
	}
	return files
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readCgroupLimit reads a cgroup memory limit file; ok is false when it is
// missing, unreadable, malformed, or says there is no limit.
func readCgroupLimit(fsys fs.FS, file string) (n int64, ok bool) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return 0, false
	}
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= cgroupV1Unlimited {
		return 0, false
	}
	return n, true
}

// FormatBytes formats n bytes for people, in binary units with at most
// three significant digits: "900 B", "12 KiB", "512 MiB", "1.5 GiB". It is
// what the package's error messages use.
func FormatBytes(n int64) string {
	if n < 0 {
		// Through uint64, so that math.MinInt64 is formatted too.
		return "-" + formatBytes(uint64(-(n+1))+1)
	}
	return formatBytes(uint64(n))
}

func formatBytes(u uint64) string {
	if u < 1024 {
		return strconv.FormatUint(u, 10) + " B"
	}
	const units = "KMGTPE"
	v := float64(u)
	i := -1
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	v = round3(v)
	if v >= 1024 && i < len(units)-1 {
		// 1023.9 KiB rounds to 1024 KiB: say 1 MiB.
		v = round3(v / 1024)
		i++
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[i:i+1] + "iB"
}

// round3 rounds v, in [1, 1024], to three significant digits (four from
// 1000 up, which only drops the fraction).
func round3(v float64) float64 {
	switch {
	case v < 10:
		return math.Round(v*100) / 100
	case v < 100:
		return math.Round(v*10) / 10
	}
	return math.Round(v)
}
