/**
 * The `seq` of progress updates: one counter for the whole run, shared by the
 * three processes that send (prepare, the progress MCP server, finish). It
 * lives in a small file under RUNNER_TEMP; each increment takes a lock file
 * created with O_EXCL, reads, writes the next value to a temporary file and
 * renames it into place, then drops the lock. A lock left by a process that
 * died (its pid is gone, or it is older than `staleMs`) is broken.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type SeqOptions = {
  /** Longest time to wait for the lock before giving up (ms). */
  waitMs?: number;
  /** A lock older than this is considered abandoned (ms). Holding it takes microseconds. */
  staleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

export class SeqError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeqError";
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function lockIsStale(lock: string, staleMs: number, now: number): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lock, "utf8"), stat(lock)]);
    const pid = Number(content.split(/\s+/)[0]);
    if (content.trim() && !pidAlive(pid)) return true;
    return now - info.mtimeMs > staleMs;
  } catch {
    // Gone already (released between our attempts): not stale, just retry.
    return false;
  }
}

async function breakLock(lock: string): Promise<void> {
  // Rename first: only one breaker wins the rename; the loser finds nothing to remove.
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(lock, aside);
    await unlink(aside);
  } catch {
    // Someone else broke or released it.
  }
}

async function withLock<T>(file: string, opts: SeqOptions, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? Date.now;
  const waitMs = opts.waitMs ?? 5_000;
  const staleMs = opts.staleMs ?? 10_000;
  await mkdir(dirname(file), { recursive: true });
  const deadline = now() + waitMs;
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(lock, "wx", 0o600);
      try {
        await handle.writeFile(`${process.pid} ${new Date(now()).toISOString()}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new SeqError(`cannot create the seq lock ${lock}: ${(error as Error).message}`);
      }
    }
    if (await lockIsStale(lock, staleMs, now())) {
      await breakLock(lock);
      continue;
    }
    if (now() >= deadline) throw new SeqError(`the seq lock ${lock} stayed taken for ${waitMs} ms`);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function readCounter(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw new SeqError(`cannot read the seq file ${file}: ${(error as Error).message}`);
  }
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < 0) throw new SeqError(`the seq file ${file} does not hold a counter`);
  return value;
}

/** Callers in this process queue here first, so only other processes contend for the lock file. */
const queues = new Map<string, Promise<unknown>>();

/** Atomically increments the counter in `file` and returns the new value (1 for the first update of a run). */
export async function nextSeq(file: string, opts: SeqOptions = {}): Promise<number> {
  const previous = queues.get(file) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => increment(file, opts));
  queues.set(file, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(file) === mine) queues.delete(file);
  }
}

async function increment(file: string, opts: SeqOptions): Promise<number> {
  return withLock(file, opts, async () => {
    const next = (await readCounter(file)) + 1;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, `${next}\n`, { mode: 0o600 });
    await rename(tmp, file);
    return next;
  });
}

/** The last value handed out (0 when none), without taking a number. */
export async function currentSeq(file: string): Promise<number> {
  return readCounter(file);
}
