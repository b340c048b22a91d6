/**
 * The broker process (dist/broker.js), started detached by prepare: its
 * configuration, secrets included, arrives on stdin; it prints one ready line
 * on stdout and closes it; its log goes to stderr (a file prepare opened).
 * It exits on SIGTERM (finish), when its lifetime is over, or when the
 * runner's temporary directory of this run is gone.
 */
import { existsSync } from "node:fs";
import { startBroker } from "../boundary/broker";
import { parseBrokerConfig, type BrokerReady } from "../boundary/broker-config";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<void> {
  const config = parseBrokerConfig(await readStdin());
  const log = (line: string) => process.stderr.write(`[broker ${new Date().toISOString()}] ${line}\n`);
  const broker = await startBroker(config, { log });
  const stop = (why: string) => {
    log(`stopping: ${why}`);
    void broker.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => undefined);
  setTimeout(() => stop("lifetime over"), config.lifetimeMs).unref();
  setInterval(() => {
    if (!existsSync(config.watchDir)) stop(`${config.watchDir} is gone`);
  }, 5_000).unref();
  const ready: BrokerReady = { ready: true, port: broker.port, pid: process.pid };
  process.stdout.end(`${JSON.stringify(ready)}\n`);
  log(`listening on 127.0.0.1:${broker.port} for ${config.gitea.repository}${config.git ? ` (branch ${config.git.branch})` : ""}`);
}

main().catch((error: unknown) => {
  // parseBrokerConfig never puts values in its messages.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
