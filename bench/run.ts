/**
 * `npm run bench`: what the action costs around Claude, printed (never
 * asserted). Measures the bundles in dist/ (run `npm run build` first).
 *
 * - Fork overhead per canonical scenario (issue comment; PR comment on a PR
 *   with 300 changed files and 200 comments; dispatch): prepare + finish as
 *   processes against the Gitea emulator, run step skipped; Gitea request
 *   count, sequential depth (longest chain of non-overlapping API requests in
 *   the emulator's log) and wall time, at 0 ms and 100 ms injected latency.
 * - Entrypoint cold start: `node dist/<entry>.js` (median), beside `node -e 0`.
 * - Prompt size in tokens (estimateTokens) of the prompt file prepare wrote.
 * - finish time and peak RSS on execution logs of 1, 50 and 200 MB.
 * - Scaling (bench/scale.ts): prepare on pull requests of 300 / 3,000 /
 *   30,000 files and 200 / 2,000 / 20,000 comments of 2 KB: prompt tokens
 *   (flat above the context budget), wall time, Gitea requests, peak RSS, and
 *   what was read. `BENCH_SCALE=0` leaves it out.
 *
 * Figures go to bench/results/latest.json (not committed: the previous run
 * on this machine); the committed bench/results/baseline.json, the previous
 * run and this one are printed side by side. `--save-baseline` also writes the
 * baseline. `BENCH_REPS` (default 3) sets the runs per overhead cell.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { start as startReceiver } from "../examples/dispatch/receiver";
import { ROOT } from "../test/support/repo";
import { SECRETS, World } from "../test/support/scenario";
import { writeSyntheticLog } from "../test/support/execution-log";
import { measureOverhead, type StepFigures } from "./overhead";
import { median, runNode } from "./proc";
import { dispatchScenario, issueCommentScenario, prCommentScenario, type Scenario } from "./scenarios";
import { COMMENT_BYTES, measureScale, type ScaleRow } from "./scale";

const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3) || 3);
const COLD_RUNS = 11;
const LATENCIES = [0, 100];
const LOG_SIZES_MB = [1, 50, 200];
const PR_FILES = 300;
const PR_COMMENTS = 200;
const ENTRYPOINTS = ["prepare", "finish", "gitea-mcp", "progress-mcp"];

/** The pre-v1 Gitea fork on the same PR comment: its calls run one after another and it reads only the first page (30) of files. Recorded, not measured here. */
const PRE_V1 = { prCommentDepth: 5, prFilesRead: 30, prFilesTotal: 300 };
const TARGETS = { prCommentDepth: 3, coldStartMs: 150, log200PeakRssMb: 150 };

type OverheadRow = {
  scenario: string;
  latencyMs: number;
  prepare: StepFigures;
  finish: StepFigures;
  promptTokens: number;
};

export type Results = {
  schema: 1;
  date: string;
  commit: string;
  node: string;
  platform: string;
  reps: number;
  overhead: OverheadRow[];
  prCoverage: { files: { read: number; total: number }; comments: { read: number; total: number } };
  coldStartMs: Record<string, number>;
  executionLog: { mb: number; bytes: number; finishMs: number; peakRssMb: number }[];
  scale?: ScaleRow[];
  preV1: typeof PRE_V1;
};

/** action.yml's default context_budget_tokens. */
function defaultBudget(): number {
  const m = /context_budget_tokens:[\s\S]*?default: "(\d+)"/.exec(readFileSync(path.join(ROOT, "action.yml"), "utf8"));
  return Number(m?.[1] ?? Number.NaN);
}

const out = (line = "") => process.stdout.write(`${line}\n`);
const round = (n: number) => Math.round(n);

function gitCommit(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "dist"], { cwd: ROOT, encoding: "utf8" }).trim();
    return dirty ? `${sha}+local` : sha;
  } catch {
    return "unknown";
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Median of the wall times, the largest depth and request count seen (the conservative figures). */
function combine(runs: StepFigures[]): StepFigures {
  return {
    requests: Math.max(...runs.map((r) => r.requests)),
    depth: Math.max(...runs.map((r) => r.depth)),
    depthWithGit: Math.max(...runs.map((r) => r.depthWithGit)),
    gitCommands: Math.max(...runs.map((r) => r.gitCommands)),
    ms: round(median(runs.map((r) => r.ms))),
  };
}

async function overhead(world: World): Promise<{ rows: OverheadRow[]; prCoverage: Results["prCoverage"] }> {
  const receiver = await startReceiver({ secret: SECRETS.progressSecret, path: "/progress" });
  const rows: OverheadRow[] = [];
  let prCoverage: Results["prCoverage"] = { files: { read: 0, total: PR_FILES }, comments: { read: 0, total: PR_COMMENTS - 1 } };
  try {
    const scenarios: Array<{ scenario: Scenario; pr?: boolean }> = [
      { scenario: await issueCommentScenario(world) },
      { scenario: await prCommentScenario(world, { files: PR_FILES, comments: PR_COMMENTS }), pr: true },
      { scenario: await dispatchScenario(world, receiver.url, SECRETS.progressSecret) },
    ];
    for (const { scenario, pr } of scenarios) {
      for (const latency of LATENCIES) {
        const prep: StepFigures[] = [];
        const fin: StepFigures[] = [];
        let tokens = 0;
        for (let rep = 0; rep < REPS; rep++) {
          const dirs = await world.runnerDirs();
          world.gitea.setLatency(latency);
          try {
            const run = await measureOverhead(world, scenario, { dirs });
            prep.push(run.prepare);
            fin.push(run.finish);
            tokens = run.promptTokens;
            if (pr) {
              const files = new Set(run.prompt.match(/src\/module-\d{3}\.ts/g) ?? []);
              const comments = new Set(run.prompt.match(/Comment \d+: looks/g) ?? []);
              prCoverage = { files: { read: files.size, total: PR_FILES }, comments: { read: comments.size, total: PR_COMMENTS - 1 } };
            }
            // Keep the scenario as it was (200 comments): drop this run's tracking comment.
            if (run.commentId !== undefined) world.gitea.core.store.comments.delete(run.commentId);
          } finally {
            world.gitea.setLatency(0);
          }
        }
        rows.push({ scenario: scenario.name, latencyMs: latency, prepare: combine(prep), finish: combine(fin), promptTokens: tokens });
        process.stderr.write(`  measured ${scenario.name} at ${latency} ms\n`);
      }
    }
  } finally {
    await receiver.close();
  }
  return { rows, prCoverage };
}

async function coldStart(): Promise<Record<string, number>> {
  const env = { PATH: process.env.PATH ?? "" };
  const result: Record<string, number> = {};
  const targets: Array<[string, string[]]> = [["node -e 0", ["-e", "0"]], ...ENTRYPOINTS.map((e): [string, string[]] => [e, [path.join(ROOT, "dist", `${e}.js`)]])];
  // One warm-up pass (file cache), then interleaved runs so drift affects every target alike.
  for (const [, args] of targets) await runNode(args, { env });
  const times = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const [name, args] of targets) times.get(name)!.push((await runNode(args, { env })).ms);
  }
  for (const [name] of targets) result[name] = round(median(times.get(name)!));
  return result;
}

async function executionLogs(world: World): Promise<Results["executionLog"]> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-logs-"));
  const rows: Results["executionLog"] = [];
  try {
    for (const mb of LOG_SIZES_MB) {
      const file = path.join(dir, `execution-${mb}mb.json`);
      const stats = await writeSyntheticLog(file, mb);
      const scenario = await issueCommentScenario(world);
      const dirs = await world.runnerDirs();
      const run = await measureOverhead(world, scenario, { dirs, executionLog: file, measureFinishRss: true });
      rows.push({ mb, bytes: stats.bytes, finishMs: round(run.finish.ms), peakRssMb: round((run.finishRssKb ?? Number.NaN) / 1024) });
      rmSync(file, { force: true });
      process.stderr.write(`  measured finish on a ${mb} MB log\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// ── Printing ─────────────────────────────────────────────────────────────

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  out(line(header));
  out(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of rows) out(line(r));
}

function targets(r: Results): Array<{ what: string; got: string; target: string; ok: boolean }> {
  const pr100 = r.overhead.find((o) => o.scenario.startsWith("PR comment") && o.latencyMs === 100);
  const cold = Math.max(...ENTRYPOINTS.map((e) => r.coldStartMs[e] ?? Number.POSITIVE_INFINITY));
  const log200 = r.executionLog.find((l) => l.mb === 200);
  const readsAll = r.prCoverage.files.read === r.prCoverage.files.total && r.prCoverage.comments.read === r.prCoverage.comments.total;
  const scale = r.scale ?? [];
  const overBudget = scale.filter((s) => s.promptTokens > s.budget);
  return [
    ...(scale.length
      ? [
          {
            what: "Scaling: the prompt stays within the context budget at every size",
            got: scale.map((s) => `${s.promptTokens}`).join(" / "),
            target: `≤ ${scale[0]!.budget}`,
            ok: overBudget.length === 0,
          },
        ]
      : []),
    {
      what: "PR comment at 100 ms: sequential Gitea round trips before the run step",
      got: pr100 ? `${pr100.prepare.depth}` : "n/a",
      target: `≤ ${TARGETS.prCommentDepth}`,
      ok: pr100 !== undefined && pr100.prepare.depth <= TARGETS.prCommentDepth,
    },
    {
      what: "  … while reading every page of files and comments",
      got: `files ${r.prCoverage.files.read}/${r.prCoverage.files.total}, comments ${r.prCoverage.comments.read}/${r.prCoverage.comments.total}`,
      target: "all",
      ok: readsAll,
    },
    { what: "Entrypoint cold start (slowest entrypoint, median)", got: `${cold} ms`, target: `< ${TARGETS.coldStartMs} ms`, ok: cold < TARGETS.coldStartMs },
    {
      what: "finish on a 200 MB execution log: peak RSS",
      got: log200 ? `${log200.peakRssMb} MB` : "n/a",
      target: `< ${TARGETS.log200PeakRssMb} MB`,
      ok: log200 !== undefined && log200.peakRssMb < TARGETS.log200PeakRssMb,
    },
  ];
}

function print(r: Results): void {
  out();
  out(`Benchmark ${r.date} — commit ${r.commit}, node ${r.node}, ${r.platform}, ${r.reps} run(s) per overhead cell`);
  out();
  out("Fork overhead: prepare + finish as processes against the Gitea emulator, run step skipped.");
  out("Requests = Gitea API requests; depth = longest chain of non-overlapping API requests (+git: each git command as one more request).");
  out("At 0 ms the emulator often answers before the next request leaves, so independent requests rarely overlap: read depth at 100 ms.");
  table(
    ["scenario", "latency", "requests prep+fin", "depth prep / fin", "prep depth +git", "wall prep / fin", "prompt tokens"],
    r.overhead.map((o) => [
      o.scenario,
      `${o.latencyMs} ms`,
      `${o.prepare.requests} + ${o.finish.requests}`,
      `${o.prepare.depth} / ${o.finish.depth}`,
      `${o.prepare.depthWithGit}`,
      `${o.prepare.ms} / ${o.finish.ms} ms`,
      `${o.promptTokens}`,
    ]),
  );
  out(
    `pre-v1 Gitea fork, same PR comment (recorded): ${r.preV1.prCommentDepth} sequential calls, reads ${r.preV1.prFilesRead} of ${r.preV1.prFilesTotal} files. ` +
      `This build: files ${r.prCoverage.files.read}/${r.prCoverage.files.total}, earlier comments ${r.prCoverage.comments.read}/${r.prCoverage.comments.total} in the prompt.`,
  );
  out();
  out("Entrypoint cold start: node dist/<entry>.js until exit (no job env: the entrypoint loads, finds no job and stops), median of " + `${COLD_RUNS} runs.`);
  table(
    ["entry", "median"],
    Object.entries(r.coldStartMs).map(([name, ms]) => [name === "node -e 0" ? "node -e 0 (bare node, for comparison)" : `dist/${name}.js`, `${ms} ms`]),
  );
  out();
  out("finish on an execution log (synthetic, streaming reader): wall time of the finish process and its peak RSS (getrusage maxrss).");
  table(
    ["log", "bytes", "finish", "peak RSS"],
    r.executionLog.map((l) => [`${l.mb} MB`, `${l.bytes}`, `${l.finishMs} ms`, `${l.peakRssMb} MB`]),
  );
  if (r.scale?.length) {
    out();
    out(
      `Scaling: prepare (a process) on a comment to a pull request of N changed files and M comments of ${COMMENT_BYTES} bytes, 0 ms latency, ` +
        `context budget ${r.scale[0]!.budget} tokens (the default). Read = comments and changed files read from Gitea; shown = in the prompt. ` +
        "The wall time includes the emulator building each answer (it runs in this process); prepare's CPU time is its own.",
    );
    table(
      ["files / comments", "prompt tokens", "prepare wall", "prepare CPU", "Gitea requests", "peak RSS", "read: comments / files", "shown: comments / files", "CPU ms per 1k read", "MB per 1k read"],
      r.scale.map((s) => {
        const read = (s.commentsRead + s.filesRead) / 1000;
        return [
          `${s.files} / ${s.comments}`,
          `${s.promptTokens}`,
          `${s.prepareMs} ms`,
          `${s.prepareCpuMs} ms`,
          `${s.requests}`,
          `${s.peakRssMb} MB`,
          `${s.commentsRead} / ${s.filesRead}`,
          `${s.commentsShown} / ${s.filesListed}`,
          `${Math.round(s.prepareCpuMs / read)}`,
          `${(s.peakRssMb / read).toFixed(1)}`,
        ];
      }),
    );
  }
  out();
  out("Targets");
  table(
    ["target", "measured", "goal", "status"],
    targets(r).map((t) => [t.what, t.got, t.target, t.ok ? "met" : "MISSED"]),
  );
}

/** Every figure under a readable key, for the side-by-side comparison. */
function flatten(r: Results): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of r.overhead) {
    const k = `${o.scenario} @${o.latencyMs}ms`;
    m.set(`${k}: requests (prepare)`, o.prepare.requests);
    m.set(`${k}: requests (finish)`, o.finish.requests);
    m.set(`${k}: depth (prepare)`, o.prepare.depth);
    m.set(`${k}: depth (finish)`, o.finish.depth);
    m.set(`${k}: wall ms (prepare)`, o.prepare.ms);
    m.set(`${k}: wall ms (finish)`, o.finish.ms);
    m.set(`${k}: prompt tokens`, o.promptTokens);
  }
  for (const [name, ms] of Object.entries(r.coldStartMs)) m.set(`cold start ms: ${name}`, ms);
  for (const l of r.executionLog) {
    m.set(`${l.mb} MB log: finish ms`, l.finishMs);
    m.set(`${l.mb} MB log: peak RSS MB`, l.peakRssMb);
  }
  for (const s of r.scale ?? []) {
    const k = `scale ${s.files} files / ${s.comments} comments`;
    m.set(`${k}: prompt tokens`, s.promptTokens);
    m.set(`${k}: prepare ms`, s.prepareMs);
    m.set(`${k}: prepare CPU ms`, s.prepareCpuMs);
    m.set(`${k}: requests`, s.requests);
    m.set(`${k}: peak RSS MB`, s.peakRssMb);
  }
  return m;
}

const pct = (x: number | undefined, y: number | undefined) =>
  x !== undefined && y !== undefined && x !== 0 ? `${y >= x ? "+" : ""}${Math.round(((y - x) / x) * 100)}%` : "";
const shown = (v: number | undefined) => (v === undefined ? "—" : String(v));

/** The figures side by side: the committed baseline, the previous run on this machine (when there is one), and this run. */
function compare(base: Results, previous: Results | undefined, latest: Results): void {
  out();
  out(`Compared with bench/results/baseline.json (${base.date}, commit ${base.commit})${previous ? ` and the previous run (${previous.date}, commit ${previous.commit})` : ""}:`);
  const a = flatten(base);
  const p = previous ? flatten(previous) : undefined;
  const b = flatten(latest);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  table(
    p ? ["figure", "baseline", "previous", "latest", "vs baseline", "vs previous"] : ["figure", "baseline", "latest", "vs baseline"],
    keys.map((k) => {
      const x = a.get(k);
      const y = b.get(k);
      if (!p) return [k, shown(x), shown(y), pct(x, y)];
      const w = p.get(k);
      return [k, shown(x), shown(w), shown(y), pct(x, y), pct(w, y)];
    }),
  );
}

async function main(): Promise<void> {
  const distFiles = ENTRYPOINTS.map((e) => path.join(ROOT, "dist", `${e}.js`));
  const missing = distFiles.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`missing ${missing.join(", ")}: run npm run build first`);
  if (newestMtime(path.join(ROOT, "src")) > Math.min(...distFiles.map((f) => statSync(f).mtimeMs))) {
    process.stderr.write("warning: src/ is newer than dist/; these figures are for the last build (npm run build)\n");
  }

  process.stderr.write("bench: cold start…\n");
  const coldStartMs = await coldStart();
  const world = await World.start({ publicUrl: "https://gitea.example.com" });
  let results: Results;
  try {
    process.stderr.write("bench: fork overhead…\n");
    const { rows, prCoverage } = await overhead(world);
    process.stderr.write("bench: execution logs…\n");
    const executionLog = await executionLogs(world);
    let scale: ScaleRow[] | undefined;
    if (process.env.BENCH_SCALE !== "0") {
      process.stderr.write("bench: scaling…\n");
      scale = await measureScale(world, defaultBudget(), (m) => process.stderr.write(`${m}\n`));
    }
    results = {
      schema: 1,
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      reps: REPS,
      overhead: rows,
      prCoverage,
      coldStartMs,
      executionLog,
      ...(scale ? { scale } : {}),
      preV1: PRE_V1,
    };
  } finally {
    await world.close();
  }

  print(results);
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const latestFile = path.join(dir, "latest.json");
  const previous = existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, "utf8")) as Results) : undefined;
  writeFileSync(latestFile, `${JSON.stringify(results, null, 2)}\n`);
  const baselineFile = path.join(dir, "baseline.json");
  if (existsSync(baselineFile)) compare(JSON.parse(readFileSync(baselineFile, "utf8")) as Results, previous, results);
  if (process.argv.includes("--save-baseline")) {
    writeFileSync(baselineFile, `${JSON.stringify(results, null, 2)}\n`);
    out("\nSaved bench/results/baseline.json.");
  }
  out("\nWrote bench/results/latest.json.");
}

await main();
