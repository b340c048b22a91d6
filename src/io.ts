/**
 * How the entrypoints talk to the runner: log lines, workflow commands
 * (masks, annotations), step outputs (GITHUB_OUTPUT) and the step summary
 * (GITHUB_STEP_SUMMARY). This is the runner's documented file and stdout
 * protocol, written here directly: the few lines it takes keep the bundles
 * free of an HTTP stack they would never use, which matters for cold start.
 * Every line goes through the redactor, so a secret never reaches the log.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { EOL } from "node:os";
import { Redactor } from "./text/redact";

export interface ActionIO {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  setSecret(value: string): void;
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): Promise<void>;
}

/** Escaping for workflow command data (the runner unescapes %25, %0D, %0A). */
export const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/** `name<<DELIM\nvalue\nDELIM` with a delimiter that cannot occur in the value. */
export function fileCommand(name: string, value: string): string {
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (value.includes(delimiter) || name.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

type Env = Record<string, string | undefined>;

export function runnerIO(env: Env = process.env, write: (line: string) => void = (l) => process.stdout.write(l + EOL)): ActionIO {
  const command = (name: string, message: string) => write(`::${name}::${escapeData(message)}`);
  return {
    info: (m) => write(m),
    notice: (m) => command("notice", m),
    warning: (m) => command("warning", m),
    error: (m) => command("error", m),
    setSecret: (v) => command("add-mask", v),
    setOutput: (name, value) => {
      const file = env.GITHUB_OUTPUT;
      if (file) appendFileSync(file, fileCommand(name, value), "utf8");
      else write(`::set-output name=${name}::${escapeData(value)}`);
    },
    appendSummary: async (md) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (file) appendFileSync(file, md.endsWith("\n") ? md : `${md}\n`, "utf8");
    },
  };
}

/** Wraps an ActionIO so every message is redacted and every secret is masked once. */
export function redactingIO(io: ActionIO, secrets: Iterable<string | undefined>): ActionIO & { redactor: Redactor } {
  const redactor = new Redactor(secrets);
  for (const s of redactor.secrets) io.setSecret(s);
  const r = (m: string) => redactor.redact(m);
  return {
    redactor,
    info: (m) => io.info(r(m)),
    notice: (m) => io.notice(r(m)),
    warning: (m) => io.warning(r(m)),
    error: (m) => io.error(r(m)),
    setSecret: (v) => io.setSecret(v),
    setOutput: (n, v) => io.setOutput(n, v),
    appendSummary: (md) => io.appendSummary(r(md)),
  };
}
