#!/usr/bin/env node
// peers.mjs runs one benchmark task on a peer engine (DuckDB or Polars) and
// prints one JSON line per run, for dusk's benchmarks (benchmarks/peers.go)
// to compare against.
//
// Usage:
//
//   node peers.mjs '{"engine":"duckdb","task":"read_csv","path":"/tmp/G1_1e7_1e2_0_0.csv","threads":2}'
//   echo '{"engine":"polars","task":"filter_project","path":"...","repeat":3}' | node peers.mjs
//
// A job is a JSON object, or an array of them (one process: Polars' thread
// pool is sized once, so all Polars jobs of a process must ask for the same
// threads):
//
//   engine   "duckdb" | "polars"
//   task     "read_csv"        read the CSV fully into memory
//            "filter_project"  read it, keep v3 > 50, compute v = v1*v3,
//                              keep id1 and v, count the rows and sum v
//            "version"         report the engine's version only
//   path     the CSV file (a db-benchmark groupby file: id1..id6, v1..v3)
//   threads  threads the engine may use; 0 or absent: all cores
//   repeat   runs of the task, each in a fresh database / data frame (default 1)
//
// Each run prints {"engine","task","version","threads","run","seconds",
// "rows",...}: seconds is the wall time of the whole task (reading
// included), rows the rows of its result (the table read, or the filtered
// rows). filter_project adds "sum" (of v), "read_seconds" and
// "compute_seconds". max_rss_bytes is the process's peak resident memory so
// far (of all its runs: a fresh process per run measures one). Run with
// node --expose-gc to collect the previous run's data before the next. On
// an error the script prints the message on stderr and exits with
// status 1.

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";

function fail(msg) {
  process.stderr.write(`peers.mjs: ${msg}\n`);
  process.exit(1);
}

function readJobs() {
  let text = process.argv[2];
  if (text === undefined || text === "-") {
    text = readFileSync(0, "utf8");
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`the job is not JSON: ${e.message}`);
  }
  const jobs = Array.isArray(parsed) ? parsed : [parsed];
  for (const job of jobs) {
    if (typeof job !== "object" || job === null) fail("a job must be a JSON object");
    if (!["duckdb", "polars"].includes(job.engine)) fail(`engine ${JSON.stringify(job.engine)}: want "duckdb" or "polars"`);
    if (!["read_csv", "filter_project", "version"].includes(job.task)) {
      fail(`task ${JSON.stringify(job.task)}: want "read_csv", "filter_project" or "version"`);
    }
    if (job.task !== "version" && typeof job.path !== "string") fail(`task ${job.task} needs "path"`);
    job.threads = Number(job.threads ?? 0) || availableParallelism();
    job.repeat = Math.max(1, Number(job.repeat ?? 1));
  }
  return jobs;
}

const seconds = (t0) => (performance.now() - t0) / 1000;
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// ---- DuckDB ----

let duckdb;

async function runDuckDB(job, run) {
  duckdb ??= await import("@duckdb/node-api");
  const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(job.threads) });
  const con = await instance.connect();
  try {
    const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
    const [version] = await one("SELECT version()");
    const out = { engine: "duckdb", task: job.task, version: String(version), threads: job.threads, run };
    if (job.task === "version") return out;

    const t0 = performance.now();
    await con.run(`CREATE TABLE x AS SELECT * FROM read_csv(${sqlString(job.path)})`);
    const readSeconds = seconds(t0);
    if (job.task === "read_csv") {
      out.seconds = readSeconds;
      out.rows = Number((await one("SELECT count(*) FROM x"))[0]);
      return out;
    }
    const t1 = performance.now();
    await con.run("CREATE TABLE ans AS SELECT id1, v1 * v3 AS v FROM x WHERE v3 > 50");
    const [rows, sum] = await one("SELECT count(*), sum(v) FROM ans");
    out.compute_seconds = seconds(t1);
    out.read_seconds = readSeconds;
    out.seconds = seconds(t0);
    out.rows = Number(rows);
    out.sum = Number(sum);
    return out;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

// ---- Polars ----

let pl;
let polarsThreads;

async function runPolars(job, run) {
  if (pl === undefined) {
    // The thread pool reads this when it starts, on first use.
    process.env.POLARS_MAX_THREADS = String(job.threads);
    polarsThreads = job.threads;
    pl = (await import("nodejs-polars")).default;
  } else if (job.threads !== polarsThreads) {
    fail(`polars: one process runs all its jobs on ${polarsThreads} threads; got a job with ${job.threads}`);
  }
  const out = { engine: "polars", task: job.task, version: `nodejs-polars ${pl.version}`, threads: job.threads, run };
  if (job.task === "version") return out;

  const t0 = performance.now();
  const df = pl.readCSV(job.path);
  const readSeconds = seconds(t0);
  if (job.task === "read_csv") {
    out.seconds = readSeconds;
    out.rows = df.height;
    return out;
  }
  const t1 = performance.now();
  const ans = df
    .filter(pl.col("v3").gt(50))
    .select(pl.col("id1"), pl.col("v1").mul(pl.col("v3")).alias("v"));
  out.rows = ans.height;
  out.sum = Number(ans.getColumn("v").sum());
  out.compute_seconds = seconds(t1);
  out.read_seconds = readSeconds;
  out.seconds = seconds(t0);
  return out;
}

// ---- main ----

for (const job of readJobs()) {
  for (let run = 1; run <= job.repeat; run++) {
    let out;
    try {
      out = job.engine === "duckdb" ? await runDuckDB(job, run) : await runPolars(job, run);
    } catch (e) {
      fail(`${job.engine} ${job.task}: ${e?.message ?? e}`);
    }
    out.max_rss_bytes = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify(out) + "\n");
    out = undefined;
    globalThis.gc?.();
  }
}
