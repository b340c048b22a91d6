/**
 * Whether the Claude CLI can sandbox the processes it starts
 * (CLAUDE_CODE_SUBPROCESS_ENV_SCRUB): the CLI needs bubblewrap and socat on
 * Linux, and refuses to start without them, so the action only asks for it
 * where a bubblewrap namespace really can be created (job containers without
 * user namespaces cannot).
 */
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

export type SandboxProbe = { available: boolean; reason: string };

async function onPath(name: string, pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function exitCode(command: string, args: string[], timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", () => resolve(null));
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export async function probeSubprocessSandbox(env: Record<string, string | undefined>): Promise<SandboxProbe> {
  if (process.platform !== "linux") return { available: false, reason: `the subprocess sandbox needs Linux (this runner is ${process.platform})` };
  const path = env.PATH ?? "";
  const [bwrap, socat] = await Promise.all([onPath("bwrap", path), onPath("socat", path)]);
  if (!bwrap || !socat) {
    return { available: false, reason: `${[!bwrap && "bubblewrap (bwrap)", !socat && "socat"].filter(Boolean).join(" and ")} not on PATH` };
  }
  const code = await exitCode(bwrap, ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--die-with-parent", "true"], 10_000);
  if (code !== 0) return { available: false, reason: `bubblewrap cannot create a sandbox here (exit ${code ?? "error"}; user namespaces are usually off in job containers)` };
  return { available: true, reason: `bubblewrap at ${bwrap}` };
}
