/**
 * Starting and stopping the broker process. prepare spawns `node broker.js`
 * detached, with an environment that holds no secret and its stdio off the
 * step's pipes (so the step can end while it runs), writes the configuration
 * to its stdin and waits for its ready line. finish stops it by pid.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { BROKER_ROUTES, type BrokerConfig, type BrokerReady } from "./broker-config";

export type BrokerHandle = { pid: number; url: string };

export async function spawnBroker(o: {
  node: string;
  script: string;
  config: BrokerConfig;
  logFile: string;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BrokerHandle> {
  const log = openSync(o.logFile, "a", 0o600);
  try {
    const child = spawn(o.node, [o.script], { detached: true, stdio: ["pipe", "pipe", log], env: o.env });
    const ready = new Promise<BrokerReady>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`the broker did not start within ${o.timeoutMs ?? 15_000} ms (see ${o.logFile})`)), o.timeoutMs ?? 15_000);
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the broker exited with ${code} before it was ready: ${tail(o.logFile)}`));
      });
      child.stdout!.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const nl = out.indexOf("\n");
        if (nl === -1) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as BrokerReady);
        } catch {
          reject(new Error("the broker's ready line is not JSON"));
        }
      });
    });
    child.stdin!.end(JSON.stringify(o.config));
    const r = await ready;
    child.removeAllListeners("exit");
    child.stdout!.destroy();
    child.unref();
    return { pid: r.pid, url: `http://127.0.0.1:${r.port}` };
  } finally {
    closeSync(log);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" / ");
  } catch {
    return "(no log)";
  }
}

/** Stops the broker prepare started, after checking that the pid is still that process. */
export function stopBroker(pid: number, script: string): "stopped" | "gone" | "not-ours" {
  if (!Number.isInteger(pid) || pid <= 1) return "gone";
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (!cmdline.includes(script)) return "not-ours";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    // No /proc (not Linux): the pid came from this job's own prepare step.
  }
  try {
    process.kill(pid, "SIGTERM");
    return "stopped";
  } catch {
    return "gone";
  }
}

/** What the checked git and the MCP config need to reach the broker. */
export function brokerEndpoints(handle: BrokerHandle) {
  return {
    giteaMcp: `${handle.url}${BROKER_ROUTES.giteaMcp}`,
    progressMcp: `${handle.url}${BROKER_ROUTES.progressMcp}`,
    push: `${handle.url}${BROKER_ROUTES.push}`,
    fetch: `${handle.url}${BROKER_ROUTES.fetch}`,
  };
}
