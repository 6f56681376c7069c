package spill

import (
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"1000000", 1000000},
		{"  42  ", 42},
		{"+7", 7},
		{"9223372036854775807", math.MaxInt64},
		{"2e9", 2e9},
		{"2E9", 2e9},
		{"1.5e3", 1500},
		{"900B", 900},
		{"900 b", 900},
		{"1KB", 1000},
		{"1MB", 1000 * 1000},
		{"1.5GB", 1500 * 1000 * 1000},
		{"4gb", 4e9},
		{"4 Gb", 4e9},
		{"2TB", 2e12},
		{"1KiB", 1 << 10},
		{"512MiB", 512 << 20},
		{"512 mib", 512 << 20},
		{"4GiB", 4 << 30},
		{"4 GiB", 4 << 30},
		{"4\tGIB", 4 << 30},
		{"3TiB", 3 << 40},
		{"8K", 8 << 10},
		{"8k", 8 << 10},
		{"64M", 64 << 20},
		{"4G", 4 << 30},
		{"4g", 4 << 30},
		{"1T", 1 << 40},
		{"0.5GiB", 1 << 29},
		{".5KiB", 512},
		{"5.KiB", 5 << 10},
		{"1.1GB", 1100000000},
		{"0.4B", 0},   // rounded to the nearest byte
		{"2.5B", 3},   // half away from zero
		{"1e-400", 0}, // underflows to 0
		{"2e0KB", 2000},
		{"8388607TiB", 8388607 << 40},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if err != nil {
			t.Errorf("ParseBytes(%q): got error %v, want %d", tt.in, err, tt.want)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseBytes(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseBytesErrors(t *testing.T) {
	tests := []struct {
		in string
		// wantMsg is the whole message, or a part of it when partial.
		wantMsg string
		partial bool
	}{
		{"", `spill: invalid size "": empty (want a size such as 4GiB or 1.5GB)`, false},
		{"   ", `spill: invalid size "   ": empty (want a size such as 4GiB or 1.5GB)`, false},
		{"4XB", `spill: invalid size "4XB": unknown unit "XB" (want B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`, false},
		{"-4GiB", `spill: invalid size "-4GiB": negative (want a size such as 4GiB or 1.5GB)`, false},
		{"-0.5", `negative`, true},
		{"-", `spill: invalid size "-": negative`, true},
		{"GiB", `spill: invalid size "GiB": not a number`, true},
		{"NaN", `spill: invalid size "NaN": not a number`, true},
		{"nan GiB", `not a number`, true},
		{"Inf", `spill: invalid size "Inf": not a number`, true},
		{"+Inf", `not a number`, true},
		{"-Inf", `negative`, true},
		{"infinity", `not a number`, true},
		{"0x10", `unknown unit "x10"`, true},
		{"1_000", `unknown unit "_000"`, true},
		{"1,5GB", `unknown unit ",5GB"`, true},
		{"4 GiB extra", `unknown unit "GiB extra"`, true},
		{"50%", `unknown unit "%"`, true},
		{"4PB", `unknown unit "PB"`, true},
		{"4EB", `unknown unit "EB"`, true},
		{"4e", `unknown unit "e"`, true},
		{"1.2.3", `unknown unit ".3"`, true},
		{"9223372036854775808", `spill: invalid size "9223372036854775808": larger than the largest size, 8 EiB (want a size such as 4GiB or 1.5GB)`, false},
		{"8388608TiB", `larger than the largest size`, true},
		{"9.3e18", `larger than the largest size`, true},
		{"1e400", `larger than the largest size`, true},
		{"99999999999999999999999", `larger than the largest size`, true},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if err == nil {
			t.Errorf("ParseBytes(%q): got %v, want an error", tt.in, got)
			continue
		}
		if !errors.Is(err, ErrBadLimit) {
			t.Errorf("ParseBytes(%q): errors.Is(%v, ErrBadLimit): got false, want true", tt.in, err)
		}
		if msg := err.Error(); tt.partial && !strings.Contains(msg, tt.wantMsg) || !tt.partial && msg != tt.wantMsg {
			t.Errorf("ParseBytes(%q): got %q, want %q", tt.in, msg, tt.wantMsg)
		}
	}
}

func TestParseLimit(t *testing.T) {
	const total = 16 << 30
	tests := []struct {
		in    string
		total int64
		want  int64
	}{
		{"none", total, -1},
		{"None", total, -1},
		{" NONE ", total, -1},
		{"off", total, -1},
		{"OFF", total, -1},
		{"0", total, -1},
		{"0B", total, -1},
		{"0 GiB", total, -1},
		{"none", 0, -1},
		{"4GiB", total, 4 << 30},
		{"1.5GB", total, 1.5e9},
		{"2e9", 0, 2e9},
		{"1", total, 1},
		{"60%", total, int64(math.Round(total * 0.6))},
		{"50%", total, 8 << 30},
		{"12.5%", total, 2 << 30},
		{"12.5 %", total, 2 << 30},
		{" 100% ", total, total},
		{"100%", 3, 3},
		{"0.001%", 100, 1}, // never 0, which would not be a limit
		{"1e1%", 1000, 100},
	}
	for _, tt := range tests {
		got, err := ParseLimit(tt.in, tt.total)
		if err != nil {
			t.Errorf("ParseLimit(%q, %d): got error %v, want %d", tt.in, tt.total, err, tt.want)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseLimit(%q, %d): got %v, want %v", tt.in, tt.total, got, tt.want)
		}
	}
}

func TestParseLimitErrors(t *testing.T) {
	const total = 16 << 30
	tests := []struct {
		in      string
		total   int64
		wantMsg string
		partial bool
	}{
		{"", total, `spill: invalid memory limit "": empty (want a size such as 4GiB or 1.5GB, a percentage such as 50%, or none)`, false},
		{"4XB", total, `spill: invalid memory limit "4XB": unknown unit "XB" (want B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, a percentage such as 50%, or none)`, false},
		{"-1", total, `spill: invalid memory limit "-1": negative`, true},
		{"NaN", total, `not a number`, true},
		{"unlimited", total, `not a number`, true},
		{"nope", total, `not a number`, true},
		{"1e30", total, `larger than the largest size`, true},
		{"0%", total, `spill: invalid memory limit "0%": percentage out of range (want a percentage in (0%, 100%])`, false},
		{"-5%", total, `percentage out of range`, true},
		{"100.1%", total, `percentage out of range`, true},
		{"150%", total, `percentage out of range`, true},
		{"%", total, `spill: invalid memory limit "%": not a percentage`, true},
		{"NaN%", total, `not a percentage`, true},
		{"Inf%", total, `not a percentage`, true},
		{"5GiB%", total, `not a percentage`, true},
		{"50%%", total, `not a percentage`, true},
		{"50%", 0, `spill: invalid memory limit "50%": percentage of an unknown total`, true},
		{"50%", -1, `percentage of an unknown total`, true},
	}
	for _, tt := range tests {
		got, err := ParseLimit(tt.in, tt.total)
		if err == nil {
			t.Errorf("ParseLimit(%q, %d): got %v, want an error", tt.in, tt.total, got)
			continue
		}
		if !errors.Is(err, ErrBadLimit) {
			t.Errorf("ParseLimit(%q, %d): errors.Is(%v, ErrBadLimit): got false, want true", tt.in, tt.total, err)
		}
		if msg := err.Error(); tt.partial && !strings.Contains(msg, tt.wantMsg) || !tt.partial && msg != tt.wantMsg {
			t.Errorf("ParseLimit(%q, %d): got %q, want %q", tt.in, tt.total, msg, tt.wantMsg)
		}
	}
}

// fakeEnv returns a getenv over a fixed map.
func fakeEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLimitFromEnv(t *testing.T) {
	const mem = 10 << 30
	known := func() (int64, error) { return mem, nil }
	unknown := func() (int64, error) { return 0, errors.New("no /proc") }
	tests := []struct {
		name    string
		value   string // "" = unset
		sysmem  func() (int64, error)
		want    int64
		wantSet bool
	}{
		{"unset", "", known, mem / 2, false},
		{"blank", "  ", known, mem / 2, false},
		{"unset, memory unknown", "", unknown, FallbackLimit, false},
		{"size", "4GiB", known, 4 << 30, true},
		{"size, memory unknown", "4GiB", unknown, 4 << 30, true},
		{"percent", "60%", known, int64(math.Round(mem * 0.6)), true},
		{"percent of fallback", "50%", unknown, FallbackLimit / 2, true},
		{"none", "none", known, -1, true},
		{"off", "off", known, -1, true},
		{"zero", "0", known, -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := fakeEnv(map[string]string{EnvMemoryLimit: tt.value, EnvSpillDir: "/tmp"})
			got, set, err := limitFromEnv(getenv, tt.sysmem)
			if err != nil {
				t.Fatalf("got error %v, want %d", err, tt.want)
			}
			if got != tt.want || set != tt.wantSet {
				t.Errorf("got (%v, %v), want (%v, %v)", got, set, tt.want, tt.wantSet)
			}
		})
	}
}

func TestLimitFromEnvErrors(t *testing.T) {
	tests := []struct {
		value   string
		wantMsg string
	}{
		{"4XB", `spill: DUSK_MEMORY_LIMIT="4XB": unknown unit "XB" (want B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, a percentage such as 50%, or none)`},
		{"-1GiB", `spill: DUSK_MEMORY_LIMIT="-1GiB": negative (want a size such as 4GiB or 1.5GB, a percentage such as 50%, or none)`},
		{"200%", `spill: DUSK_MEMORY_LIMIT="200%": percentage out of range (want a percentage in (0%, 100%])`},
		{"lots", `spill: DUSK_MEMORY_LIMIT="lots": not a number (want a size such as 4GiB or 1.5GB, a percentage such as 50%, or none)`},
	}
	for _, tt := range tests {
		got, set, err := limitFromEnv(fakeEnv(map[string]string{EnvMemoryLimit: tt.value}), func() (int64, error) { return 1 << 30, nil })
		if err == nil {
			t.Errorf("%s=%q: got %v, want an error", EnvMemoryLimit, tt.value, got)
			continue
		}
		if !set {
			t.Errorf("%s=%q: got set=false, want true", EnvMemoryLimit, tt.value)
		}
		if !errors.Is(err, ErrBadLimit) {
			t.Errorf("%s=%q: errors.Is(%v, ErrBadLimit): got false, want true", EnvMemoryLimit, tt.value, err)
		}
		if err.Error() != tt.wantMsg {
			t.Errorf("%s=%q: got %q, want %q", EnvMemoryLimit, tt.value, err.Error(), tt.wantMsg)
		}
	}
}

// TestLimitFromEnvReal goes through the exported function and the real
// SystemMemory: the answers agree with DefaultLimit and ParseLimit.
func TestLimitFromEnvReal(t *testing.T) {
	got, set, err := LimitFromEnv(fakeEnv(nil))
	if err != nil || set || got != DefaultLimit() {
		t.Errorf("unset: got (%v, %v, %v), want (%v, false, <nil>)", got, set, err, DefaultLimit())
	}
	got, set, err = LimitFromEnv(fakeEnv(map[string]string{EnvMemoryLimit: "100%"}))
	want := FallbackLimit
	if m, merr := SystemMemory(); merr == nil {
		want = m
	}
	if err != nil || !set || got != want {
		t.Errorf("100%%: got (%v, %v, %v), want (%v, true, <nil>)", got, set, err, want)
	}
}

func TestDefaultLimit(t *testing.T) {
	if got, want := defaultLimit(func() (int64, error) { return 8 << 30, nil }), int64(4<<30); got != want {
		t.Errorf("8 GiB machine: got %v, want %v", got, want)
	}
	if got, want := defaultLimit(func() (int64, error) { return 0, errors.ErrUnsupported }), FallbackLimit; got != want {
		t.Errorf("unknown memory: got %v, want %v", got, want)
	}
	if got := DefaultLimit(); got <= 0 {
		t.Errorf("DefaultLimit(): got %v, want > 0", got)
	}
}

const meminfo16G = `MemTotal:       16777216 kB
MemFree:         8000000 kB
MemAvailable:   12000000 kB
`

func TestSystemMemory(t *testing.T) {
	const machine = 16 << 30 // meminfo16G
	tests := []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"meminfo only", map[string]string{"proc/meminfo": meminfo16G}, machine},
		{"v2 limit smaller", map[string]string{
			"proc/meminfo":             meminfo16G,
			"sys/fs/cgroup/memory.max": "2147483648\n",
		}, 2 << 30},
		{"v2 limit larger than machine", map[string]string{
			"proc/meminfo":             meminfo16G,
			"sys/fs/cgroup/memory.max": "68719476736\n",
		}, machine},
		{"v2 max", map[string]string{
			"proc/meminfo":             meminfo16G,
			"sys/fs/cgroup/memory.max": "max\n",
		}, machine},
		{"v2 malformed is ignored", map[string]string{
			"proc/meminfo":             meminfo16G,
			"sys/fs/cgroup/memory.max": "lots\n",
		}, machine},
		{"v2 own cgroup and ancestors", map[string]string{
			"proc/meminfo":                                  "MemTotal: 67108864 kB\n",
			"proc/self/cgroup":                              "0::/user.slice/job.scope\n",
			"sys/fs/cgroup/user.slice/memory.max":           "8589934592\n",
			"sys/fs/cgroup/user.slice/job.scope/memory.max": "max\n",
		}, 8 << 30},
		{"v1 limit smaller", map[string]string{
			"proc/meminfo": meminfo16G,
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824\n",
		}, 1 << 30},
		{"v1 huge value means none", map[string]string{
			"proc/meminfo": meminfo16G,
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
		}, machine},
		{"v1 huge value, 64 KiB pages", map[string]string{
			"proc/meminfo": meminfo16G,
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854710272\n",
		}, machine},
		{"v1 own cgroup", map[string]string{
			"proc/meminfo":     meminfo16G,
			"proc/self/cgroup": "12:cpu,cpuacct:/x\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes":            "9223372036854771712\n",
			"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "536870912\n",
		}, 512 << 20},
		{"v1 and v2: the smaller", map[string]string{
			"proc/meminfo":                               meminfo16G,
			"sys/fs/cgroup/memory.max":                   "3221225472",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "2147483648",
		}, 2 << 30},
		{"cgroup without meminfo", map[string]string{
			"sys/fs/cgroup/memory.max": "2147483648\n",
		}, 2 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			got, err := systemMemory(fsys)
			if err != nil {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSystemMemoryErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		notExist bool // the error wraps fs.ErrNotExist
	}{
		{"nothing", nil, true},
		{"cgroup says max, no meminfo", map[string]string{"sys/fs/cgroup/memory.max": "max"}, true},
		{"meminfo without MemTotal", map[string]string{"proc/meminfo": "MemFree: 100 kB\n"}, false},
		{"meminfo malformed", map[string]string{"proc/meminfo": "MemTotal: lots kB\n"}, false},
		{"meminfo in other units", map[string]string{"proc/meminfo": "MemTotal: 100 MB\n"}, false},
		{"meminfo zero", map[string]string{"proc/meminfo": "MemTotal: 0 kB\n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			got, err := systemMemory(fsys)
			if err == nil {
				t.Fatalf("got %v, want an error", got)
			}
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("errors.Is(%v, fs.ErrNotExist): got %v, want %v", err, !tt.notExist, tt.notExist)
			}
		})
	}
}

// TestSystemMemoryReal checks the real machine's answer is plausible where
// there is one; on other systems the error wraps errors.ErrUnsupported.
func TestSystemMemoryReal(t *testing.T) {
	got, err := SystemMemory()
	if err != nil {
		t.Logf("SystemMemory: %v (callers fall back to %s)", err, FormatBytes(FallbackLimit))
		return
	}
	if got < 16<<20 {
		t.Errorf("SystemMemory(): got %v, want at least 16 MiB", got)
	}
	t.Logf("SystemMemory: %s", FormatBytes(got))
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{1, "1 B"},
		{900, "900 B"},
		{1023, "1023 B"},
		{1024, "1 KiB"},
		{1536, "1.5 KiB"},
		{12 << 10, "12 KiB"},
		{12<<10 + 100, "12.1 KiB"},
		{100 << 10, "100 KiB"},
		{1000 << 10, "1000 KiB"},
		{1024<<10 - 1, "1 MiB"},
		{512 << 20, "512 MiB"},
		{1<<30 + 1<<29, "1.5 GiB"},
		{1 << 30 * 10 / 3, "3.33 GiB"},
		{4 << 30, "4 GiB"},
		{3 << 40, "3 TiB"},
		{5 << 50, "5 PiB"},
		{math.MaxInt64, "8 EiB"},
		{-1, "-1 B"},
		{-(4 << 30), "-4 GiB"},
		{math.MinInt64, "-8 EiB"},
	}
	for _, tt := range tests {
		if got := FormatBytes(tt.in); got != tt.want {
			t.Errorf("FormatBytes(%d): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFormatParseRoundTrip: what FormatBytes writes, ParseBytes reads back,
// to within FormatBytes's three significant digits.
func TestFormatParseRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 900, 1024, 1536, 12 << 10, 512 << 20, 1<<30 + 1<<29, 3 << 40, 123456789} {
		s := FormatBytes(n)
		got, err := ParseBytes(s)
		if err != nil {
			t.Errorf("ParseBytes(FormatBytes(%d) = %q): got error %v", n, s, err)
			continue
		}
		if diff := math.Abs(float64(got-n)) / math.Max(float64(n), 1); diff > 0.005 {
			t.Errorf("ParseBytes(FormatBytes(%d) = %q): got %v, want within 0.5%% of %v", n, s, got, n)
		}
	}
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"4GiB", "1.5 GB", "60%", "none", "2e9", "-1", "NaN", "1e400", "12.5 %"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseLimit(s, 16<<30)
		if err != nil {
			if !errors.Is(err, ErrBadLimit) || !strings.Contains(err.Error(), "want ") {
				t.Errorf("ParseLimit(%q): got error %v, want one that wraps ErrBadLimit and says what is accepted", s, err)
			}
			return
		}
		if n != -1 && n <= 0 {
			t.Errorf("ParseLimit(%q): got %v, want -1 or a positive size", s, n)
		}
		if b, err := ParseBytes(s); err == nil && b != 0 && b != n {
			t.Errorf("ParseLimit(%q) = %v, ParseBytes = %v: want equal", s, n, b)
		}
	})
}
