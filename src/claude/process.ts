/**
 * Subprocesses for the claude domain: argv arrays, spawned asynchronously,
 * never through a shell; output collected (capped) for messages.
 */
import { spawn } from "node:child_process";

export interface RunResult {
  /** Exit code; null when killed by a signal or when the program could not start. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started (e.g. ENOENT) or was stopped by the time limit. */
  error?: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill (SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
}

export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

const MAX_OUTPUT = 1 << 20;

export function spawnRunner(): ProcessRunner {
  return {
    run: (file, args, options = {}) =>
      new Promise<RunResult>((resolvePromise) => {
        let stdout = "";
        let stderr = "";
        let error: string | undefined;
        let settled = false;
        const child = spawn(file, [...args], {
          env: (options.env ?? process.env) as NodeJS.ProcessEnv,
          ...(options.cwd ? { cwd: options.cwd } : {}),
          stdio: ["ignore", "pipe", "pipe"],
          shell: false,
        });
        const timer =
          options.timeoutMs !== undefined
            ? setTimeout(() => {
                error = `timed out after ${options.timeoutMs} ms`;
                child.kill("SIGKILL");
              }, options.timeoutMs)
            : undefined;
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          if (stdout.length < MAX_OUTPUT) stdout += d;
        });
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
          if (stderr.length < MAX_OUTPUT) stderr += d;
        });
        const finish = (code: number | null, signal: NodeJS.Signals | null) => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          resolvePromise({ code, signal, stdout, stderr, ...(error ? { error } : {}) });
        };
        child.on("error", (e) => {
          error = e.message;
          finish(null, null);
        });
        child.on("close", (code, signal) => finish(code, signal));
      }),
  };
}
