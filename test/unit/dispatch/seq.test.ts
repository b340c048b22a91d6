import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProgressClient } from "../../../src/dispatch/progress";
import { currentSeq, nextSeq } from "../../../src/dispatch/seq";
import { start, type Receiver } from "../../../examples/dispatch/receiver";

const dirs: string[] = [];
const receivers: Receiver[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "seq-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function worker(file: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "seq-worker.ts"), file, String(count)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`worker exit ${code}: ${err}`))));
  });
}

describe("seq counter", () => {
  it("starts at 1 and never repeats under concurrent async callers", async () => {
    const file = join(await tmp(), "nested", "seq");
    const taken = await Promise.all(Array.from({ length: 40 }, () => nextSeq(file)));
    expect([...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await currentSeq(file)).toBe(40);
  });

  it("never repeats across separate processes", async () => {
    const file = join(await tmp(), "seq");
    const results = await Promise.all([worker(file, 15), worker(file, 15), worker(file, 15)]);
    for (const r of results) expect(r).toEqual([...r].sort((a, b) => a - b)); // increasing within a process
    expect(results.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it("breaks a lock left by a dead process", async () => {
    const file = join(await tmp(), "seq");
    await writeFile(file, "7\n");
    await writeFile(`${file}.lock`, "999999999 2020-01-01T00:00:00.000Z\n");
    expect(await nextSeq(file)).toBe(8);
  });

  it("gives up (no hang) when a live lock never goes away", async () => {
    const file = join(await tmp(), "seq");
    await writeFile(`${file}.lock`, `${process.pid} now\n`);
    let clock = 0;
    await expect(nextSeq(file, { waitMs: 100, staleMs: 1e9, now: () => clock, sleep: async (ms) => void (clock += ms) })).rejects.toThrow(/stayed taken/);
  });

  it("two ProgressClient instances sharing a seq file send distinct, increasing seq numbers", async () => {
    const dir = await tmp();
    const seqFile = join(dir, "seq");
    const receiver = await start({ secret: "s3cret-value" });
    receivers.push(receiver);
    const make = () => new ProgressClient({ endpoint: receiver.url, repository: "acme/app", runId: "42", correlationId: "job-9", seqFile, secret: "s3cret-value" });
    const a = make();
    const b = make();
    const results = await Promise.all([
      a.send({ status: "in_progress", message: "a1" }),
      b.send({ status: "in_progress", message: "b1" }),
      a.send({ status: "in_progress", message: "a2" }),
      b.send({ status: "in_progress", message: "b2" }),
    ]);
    expect(results.every((r) => r.delivered)).toBe(true);
    const seqs = receiver.updates.map((u) => u.body.seq).sort((x, y) => x - y);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(receiver.updates.map((u) => u.body.delivery_id).sort()).toEqual(["job-9:1", "job-9:2", "job-9:3", "job-9:4"]);
    const last = await a.send({ status: "completed", message: "done" });
    expect(last.seq).toBe(5);
    expect((await readFile(seqFile, "utf8")).trim()).toBe("5");
  });
});
