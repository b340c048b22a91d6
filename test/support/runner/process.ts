// Asynchronous child processes for steps: argv arrays only, output streamed
// line by line, process-group kill on timeout. Nothing here blocks the event
// loop, so servers living in the test process keep answering while steps run.
import { spawn } from "node:child_process";

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the process could not be started (e.g. ENOENT). */
  error?: Error;
}

export interface RunProcessOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Kill the whole process group after this many ms. */
  timeoutMs?: number;
  onLine: (line: string, stream: "stdout" | "stderr") => void;
  /** Process groups started here, for the job-end orphan cleanup. */
  groups?: Set<number>;
}

class LineSplitter {
  private buf = "";
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) >= 0) {
      let line = this.buf.slice(0, nl);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.buf = this.buf.slice(nl + 1);
      this.emit(line);
    }
  }
  flush(): void {
    if (this.buf.length > 0) {
      const line = this.buf;
      this.buf = "";
      this.emit(line);
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Kills every process group in `groups` (job-end cleanup of orphans). */
export function killGroups(groups: Set<number>): void {
  for (const pid of groups) killGroup(pid, "SIGKILL");
  groups.clear();
}

export function runProcess(opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = opts.argv;
    if (!cmd) {
      resolve({ exitCode: null, signal: null, timedOut: false, error: new Error("empty argv") });
      return;
    }
    let settled = false;
    let timedOut = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid !== undefined) opts.groups?.add(child.pid);

    const out = new LineSplitter((l) => opts.onLine(l, "stdout"));
    const err = new LineSplitter((l) => opts.onLine(l, "stderr"));
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (c: string) => out.push(c));
    child.stderr.on("data", (c: string) => err.push(c));

    const finish = (result: ProcessResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (drainTimer) clearTimeout(drainTimer);
      out.flush();
      err.flush();
      resolve(result);
    };

    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0 && Number.isFinite(opts.timeoutMs)) {
      timer = setTimeout(() => {
        timedOut = true;
        if (child.pid !== undefined) {
          killGroup(child.pid, "SIGTERM");
          killTimer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), 5000);
        }
      }, opts.timeoutMs);
    }

    child.on("error", (e) => {
      finish({ exitCode: null, signal: null, timedOut, error: e });
    });
    child.on("exit", (code, signal) => {
      exitInfo = { code, signal };
      // Background children may keep the pipes open; the step ends with its
      // main process (like the runners), after giving the pipes a moment.
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ exitCode: code, signal, timedOut });
      }, 2000);
    });
    child.on("close", (code, signal) => {
      const info = exitInfo ?? { code, signal };
      finish({ exitCode: info.code, signal: info.signal, timedOut });
    });
  });
}
