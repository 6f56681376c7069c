package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The array suite's peers are NumPy and Dask, run by
// benchmarks/peers/array_peers.py with the system's Python 3. Debian's
// python3-numpy and python3-dask packages are what the README's numbers
// used; when they are missing and we run as root, the runner installs
// them with apt-get, else it says what to install.

const (
	peerNumPy = "numpy"
	peerDask  = "dask"
)

type pyResult struct {
	Seconds float64 `json:"seconds"`
	Value   float64 `json:"value"`
	RSSMB   float64 `json:"rss_mb"`
}

func pythonPeerReady(ctx context.Context) (string, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		py = "/usr/bin/python3"
	}
	check := func() error {
		return exec.CommandContext(ctx, py, "-c", "import numpy, dask.array").Run()
	}
	if check() == nil {
		return py, nil
	}
	// a python3 first on PATH may lack the system's packages
	if py != "/usr/bin/python3" {
		py = "/usr/bin/python3"
		if check() == nil {
			return py, nil
		}
	}
	if os.Geteuid() == 0 {
		cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "--no-install-recommends", "python3-numpy", "python3-dask")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("installing python3-numpy and python3-dask: %v\n%s", err, out)
		}
		if check() == nil {
			return py, nil
		}
	}
	return "", fmt.Errorf("the array peers need Python 3 with NumPy and Dask (Debian: apt-get install python3-numpy python3-dask)")
}

// runPyPeer runs one task of array_peers.py in a fresh process.
func runPyPeer(ctx context.Context, engine, task string, workers int, sizes ...int) (pyResult, error) {
	py, err := pythonPeerReady(ctx)
	if err != nil {
		return pyResult{}, err
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "peers", "array_peers.py")
	args := []string{script, engine, task}
	for _, s := range sizes {
		args = append(args, fmt.Sprint(s))
	}
	cmd := exec.CommandContext(ctx, py, args...)
	if workers > 0 {
		n := fmt.Sprint(workers)
		cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+n, "OPENBLAS_NUM_THREADS="+n)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return pyResult{}, fmt.Errorf("%s %s: %v: %s", engine, task, err, strings.TrimSpace(stderr.String()))
	}
	var r pyResult
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return pyResult{}, fmt.Errorf("%s %s: %v in %q", engine, task, err, out)
	}
	return r, nil
}
