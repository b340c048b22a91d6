/** Child processes for the benchmark: async, argv arrays, wall time and (optionally) peak RSS. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type ProcResult = { code: number | null; stdout: string; stderr: string; ms: number; peakRssKb?: number; cpuMs?: number };

let preload: string | undefined;

/** A --require script that writes the process's peak RSS (getrusage ru_maxrss, KB) and CPU time (user + system, µs) to BENCH_RSS_FILE at exit. */
function rssPreload(): string {
  if (!preload) {
    const dir = mkdtempSync(join(tmpdir(), "bench-rss-"));
    preload = join(dir, "peak-rss.cjs");
    writeFileSync(
      preload,
      'process.on("exit", () => { if (process.env.BENCH_RSS_FILE) require("node:fs").writeFileSync(process.env.BENCH_RSS_FILE, (() => { const u = process.resourceUsage(); return `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`; })()); });\n',
    );
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return preload;
}

export function runNode(
  args: string[],
  o: { env: Record<string, string>; cwd?: string; measureRss?: boolean; input?: "ignore" } = { env: {} },
): Promise<ProcResult> {
  let rssFile: string | undefined;
  let argv = args;
  const env = { ...o.env };
  if (o.measureRss) {
    rssFile = join(mkdtempSync(join(tmpdir(), "bench-rss-out-")), "rss");
    env.BENCH_RSS_FILE = rssFile;
    argv = ["--require", rssPreload(), ...args];
  }
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, argv, { env, ...(o.cwd ? { cwd: o.cwd } : {}), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      let peakRssKb: number | undefined;
      let cpuMs: number | undefined;
      if (rssFile) {
        try {
          const [rss, cpu] = readFileSync(rssFile, "utf8").split(" ");
          peakRssKb = Number(rss);
          cpuMs = cpu === undefined ? undefined : Math.round(Number(cpu) / 1000);
        } catch {
          peakRssKb = undefined;
        }
        rmSync(join(rssFile, ".."), { recursive: true, force: true });
      }
      resolve({ code, stdout, stderr, ms, ...(peakRssKb !== undefined ? { peakRssKb } : {}), ...(cpuMs !== undefined ? { cpuMs } : {}) });
    });
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
