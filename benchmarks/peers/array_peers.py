"""Array peers for `go run ./benchmarks array -peers`: NumPy and Dask run the
same computations as dusk's array suite, one task per process invocation.

usage: python3 array_peers.py ENGINE TASK SIZE...
prints one JSON object: {"seconds": s, "value": v, "rss_mb": peak resident MB}
"""
import json
import resource
import sys
import time


def main():
    engine, task = sys.argv[1], sys.argv[2]
    sizes = [int(s) for s in sys.argv[3:]]
    import numpy as np
    if engine == "dask":
        import dask
        import dask.array as da
        dask.config.set(scheduler="threads")

    def timed(fn, reps=3):
        best, value = None, None
        for _ in range(reps):
            t0 = time.perf_counter()
            value = fn()
            d = time.perf_counter() - t0
            best = d if best is None else min(best, d)
        return best, value

    if task == "expsinh":
        rows, cols, chunk = sizes
        if engine == "numpy":
            x = np.ones((rows, cols))
            secs, v = timed(lambda: float((np.exp(x) * np.sinh(x)).sum()))
        else:
            x = da.ones((rows, cols), chunks=(1, chunk))
            secs, v = timed(lambda: float((da.exp(x) * da.sinh(x)).sum().compute()))
    elif task == "sum":
        (n,) = sizes
        x = np.random.default_rng(1).random(n)
        if engine == "numpy":
            secs, v = timed(lambda: float(x.sum()), reps=5)
        else:
            dx = da.from_array(x, chunks=4_000_000)
            secs, v = timed(lambda: float(dx.sum().compute()), reps=5)
    elif task == "transpose_mean":
        n, chunk = sizes
        if engine == "numpy":
            def run():
                x = np.random.default_rng(1).random((n, n))
                return float((x + x.T).mean(axis=0).sum())
            secs, v = timed(run, reps=1)
        else:
            def run():
                x = da.random.random((n, n), chunks=(chunk, chunk))
                return float((x + x.T).mean(axis=0).sum().compute())
            secs, v = timed(run, reps=1)
    elif task == "matmul":
        (n,) = sizes
        rng = np.random.default_rng(1)
        a, b = rng.random((n, n)), rng.random((n, n))
        if engine == "numpy":
            secs, v = timed(lambda: float((a @ b).sum()))
        else:
            da_, db_ = da.from_array(a, chunks=n // 2), da.from_array(b, chunks=n // 2)
            secs, v = timed(lambda: float((da_ @ db_).sum().compute()))
    else:
        raise SystemExit("unknown task " + task)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": secs, "value": v, "rss_mb": rss}))


if __name__ == "__main__":
    main()
