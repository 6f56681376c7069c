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
//            "h2o_groupby"     the db-benchmark's groupby questions q1..q10
//                              over the G1 file at path
//            "h2o_join"        its join questions q1..q5: path is the J1
//                              left table, right the small, medium and big
//   path     the CSV file (a db-benchmark groupby file: id1..id6, v1..v3)
//   right    h2o_join only: {"small": path, "medium": path, "big": path}
//   questions  h2o tasks only: the questions to run, ["q1", ...] (default
//            all)
//   runs     h2o tasks only: timed runs of each question on the data read
//            once (default 2); the line reports the fastest
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
//
// The h2o tasks read the data once (untimed), then print one line per
// question: {"engine","task","question","version","threads","seconds",
// "rows","chk",...}, where seconds is the fastest of the runs of the query
// alone (the answer materialized: DuckDB's CREATE TABLE ans AS ..., Polars'
// collect of a lazy query), rows the answer's rows and chk the
// db-benchmark's check: the sum of each measure column of the answer
// (nulls, NaN and infinities skipped), computed after the timing.

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
    if (!["read_csv", "filter_project", "version", "h2o_groupby", "h2o_join"].includes(job.task)) {
      fail(`task ${JSON.stringify(job.task)}: want "read_csv", "filter_project", "h2o_groupby", "h2o_join" or "version"`);
    }
    if (job.task !== "version" && typeof job.path !== "string") fail(`task ${job.task} needs "path"`);
    if (job.task === "h2o_groupby" || job.task === "h2o_join") {
      const all = Object.keys(job.task === "h2o_groupby" ? H2O_GROUPBY : H2O_JOIN);
      job.questions ??= all;
      for (const q of job.questions) {
        if (!all.includes(q)) fail(`task ${job.task}: unknown question ${JSON.stringify(q)} (want ${all.join(", ")})`);
      }
      if (job.task === "h2o_join") {
        for (const t of ["small", "medium", "big"]) {
          if (typeof job.right?.[t] !== "string") fail(`task h2o_join needs "right": {"small", "medium", "big"} paths`);
        }
      }
      job.runs = Math.max(1, Number(job.runs ?? 2));
    }
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

async function loadPolars(job) {
  if (pl === undefined) {
    // The thread pool reads this when it starts, on first use.
    process.env.POLARS_MAX_THREADS = String(job.threads);
    polarsThreads = job.threads;
    pl = (await import("nodejs-polars")).default;
  } else if (job.threads !== polarsThreads) {
    fail(`polars: one process runs all its jobs on ${polarsThreads} threads; got a job with ${job.threads}`);
  }
}

async function runPolars(job, run) {
  await loadPolars(job);
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


// ---- the db-benchmark (h2o) questions ----
//
// As the benchmark's duckdb and polars scripts ask them (groupby-duckdb.R,
// groupby-polars.py, join-duckdb.R, join-polars.py), with one difference:
// the id columns keep the types the CSV readers infer (strings and
// integers), as dusk reads them, where the benchmark's scripts convert the
// low-cardinality string ids to ENUM (DuckDB) or Categorical (Polars).
// Each question names the measure columns whose sums make its check.

const H2O_GROUPBY = {
  q1: {
    sql: "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    polars: (x) => x.groupBy("id1").agg(pl.col("v1").sum().alias("v1")),
    chk: ["v1"],
  },
  q2: {
    sql: "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
    polars: (x) => x.groupBy(["id1", "id2"]).agg(pl.col("v1").sum().alias("v1")),
    chk: ["v1"],
  },
  q3: {
    sql: "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    polars: (x) => x.groupBy("id3").agg(pl.col("v1").sum().alias("v1"), pl.col("v3").mean().alias("v3")),
    chk: ["v1", "v3"],
  },
  q4: {
    sql: "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4",
    polars: (x) => x.groupBy("id4").agg(...["v1", "v2", "v3"].map((c) => pl.col(c).mean().alias(c))),
    chk: ["v1", "v2", "v3"],
  },
  q5: {
    sql: "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
    polars: (x) => x.groupBy("id6").agg(...["v1", "v2", "v3"].map((c) => pl.col(c).sum().alias(c))),
    chk: ["v1", "v2", "v3"],
  },
  q6: {
    sql: "SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5",
    polars: (x) => x.groupBy(["id4", "id5"]).agg(pl.col("v3").median().alias("median_v3"), pl.col("v3").std().alias("sd_v3")),
    chk: ["median_v3", "sd_v3"],
  },
  q7: {
    sql: "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
    polars: (x) => x.groupBy("id3").agg(pl.col("v1").max().sub(pl.col("v2").min()).alias("range_v1_v2")),
    chk: ["range_v1_v2"],
  },
  q8: {
    sql: "SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2",
    // nodejs-polars has no Expr.topK: sort descending and keep two.
    polars: (x) =>
      x.dropNulls("v3").groupBy("id6").agg(pl.col("v3").sort({ descending: true }).head(2).alias("largest2_v3")).explode("largest2_v3"),
    chk: ["largest2_v3"],
  },
  q9: {
    sql: "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4",
    polars: (x) => x.groupBy(["id2", "id4"]).agg(pl.pearsonCorr("v1", "v2").pow(2).alias("r2")),
    chk: ["r2"],
  },
  q10: {
    sql: "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6",
    polars: (x) =>
      x.groupBy(["id1", "id2", "id3", "id4", "id5", "id6"]).agg(pl.col("v3").sum().alias("v3"), pl.col("v1").count().alias("count")),
    chk: ["v3", "count"],
  },
};

const H2O_JOIN = {
  q1: {
    sql: "SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)",
    polars: (t) => t.x.join(t.small, { on: "id1" }),
    chk: ["v1", "v2"],
  },
  q2: {
    sql: "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x JOIN medium USING (id2)",
    polars: (t) => t.x.join(t.medium, { on: "id2" }),
    chk: ["v1", "v2"],
  },
  q3: {
    sql: "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x LEFT JOIN medium USING (id2)",
    polars: (t) => t.x.join(t.medium, { on: "id2", how: "left" }),
    chk: ["v1", "v2"],
  },
  q4: {
    sql: "SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 FROM x JOIN medium USING (id5)",
    polars: (t) => t.x.join(t.medium, { on: "id5" }),
    chk: ["v1", "v2"],
  },
  q5: {
    sql: "SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)",
    polars: (t) => t.x.join(t.big, { on: "id3" }),
    chk: ["v1", "v2"],
  },
};

// h2oTables returns the tables a task reads, by the name its queries use.
function h2oTables(job) {
  return job.task === "h2o_groupby" ? { x: job.path } : { x: job.path, ...job.right };
}

function printLine(out) {
  out.max_rss_bytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify(out) + "\n");
}

async function runDuckDBH2O(job) {
  duckdb ??= await import("@duckdb/node-api");
  const questions = job.task === "h2o_groupby" ? H2O_GROUPBY : H2O_JOIN;
  const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(job.threads) });
  const con = await instance.connect();
  try {
    const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
    const [version] = await one("SELECT version()");
    const t0 = performance.now();
    for (const [name, path] of Object.entries(h2oTables(job))) {
      await con.run(`CREATE TABLE ${name} AS SELECT * FROM read_csv(${sqlString(path)})`);
    }
    const readSeconds = seconds(t0);
    for (const q of job.questions) {
      const { sql, chk } = questions[q];
      const out = { engine: "duckdb", task: job.task, question: q, version: String(version), threads: job.threads, read_seconds: readSeconds };
      const runs = [];
      for (let run = 1; run <= job.runs; run++) {
        await con.run("DROP TABLE IF EXISTS ans");
        const t1 = performance.now();
        await con.run(`CREATE TABLE ans AS ${sql}`);
        runs.push(seconds(t1));
      }
      const sums = chk.map((c) => `sum(CASE WHEN isfinite(${c}::DOUBLE) THEN ${c}::DOUBLE END)`);
      const [rows, ...vals] = await one(`SELECT count(*), ${sums.join(", ")} FROM ans`);
      await con.run("DROP TABLE ans");
      out.seconds = Math.min(...runs);
      out.run_seconds = runs;
      out.rows = Number(rows);
      out.chk = vals.map((v) => Number(v ?? 0));
      out.chk_columns = chk;
      printLine(out);
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

async function runPolarsH2O(job) {
  await loadPolars(job);
  const questions = job.task === "h2o_groupby" ? H2O_GROUPBY : H2O_JOIN;
  const t0 = performance.now();
  const tables = {};
  for (const [name, path] of Object.entries(h2oTables(job))) {
    tables[name] = pl.readCSV(path).lazy();
  }
  const readSeconds = seconds(t0);
  for (const q of job.questions) {
    const { polars, chk } = questions[q];
    const query = job.task === "h2o_groupby" ? () => polars(tables.x) : () => polars(tables);
    const out = { engine: "polars", task: job.task, question: q, version: `nodejs-polars ${pl.version}`, threads: job.threads, read_seconds: readSeconds };
    const runs = [];
    let ans;
    for (let run = 1; run <= job.runs; run++) {
      ans = undefined;
      globalThis.gc?.();
      const t1 = performance.now();
      ans = query().collectSync();
      runs.push(seconds(t1));
    }
    const sums = chk.map((c) => {
      const v = pl.col(c).cast(pl.Float64);
      return v.filter(v.isFinite()).sum().alias(c);
    });
    const row = ans.lazy().select(...sums).collectSync().row(0);
    out.seconds = Math.min(...runs);
    out.run_seconds = runs;
    out.rows = ans.height;
    out.chk = row.map((v) => Number(v ?? 0));
    out.chk_columns = chk;
    ans = undefined;
    printLine(out);
  }
}

// ---- main ----

for (const job of readJobs()) {
  if (job.task === "h2o_groupby" || job.task === "h2o_join") {
    try {
      await (job.engine === "duckdb" ? runDuckDBH2O(job) : runPolarsH2O(job));
    } catch (e) {
      fail(`${job.engine} ${job.task}: ${e?.message ?? e}`);
    }
    globalThis.gc?.();
    continue;
  }
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
