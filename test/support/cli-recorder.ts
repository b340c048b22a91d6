/**
 * A stand-in `claude` executable for `path_to_claude_code_executable` that
 * records how it was started — argv, environment, and the
 * ~/.claude/settings.json it found — then execs the real CLI. The action
 * wraps it in its timeout wrapper and the base action (through the Agent SDK)
 * starts it, so what it records is exactly what the CLI received.
 */
import { realpathSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { claudeBin } from "./model/index";

export type CliStart = {
  argv: string[];
  env: Record<string, string>;
  /** ~/.claude/settings.json as the CLI found it (undefined: none). */
  homeSettings?: Record<string, unknown>;
  /** The file named by `--mcp-config`, read when the CLI started (undefined: no flag). */
  mcpConfig?: { mcpServers: Record<string, { command?: string; args?: string[]; env?: Record<string, string> }> };
  /** Files named by `--system-prompt-file` / `--append-system-prompt-file`, read when the CLI started. */
  promptFiles: Record<string, string>;
};

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export type CliRecorder = {
  /** Pass as path_to_claude_code_executable. */
  executable: string;
  /** Every start of the CLI except `--version` probes, in order. */
  starts(): Promise<CliStart[]>;
  /** Every `claude --version` probe (the action's preflight). */
  versionProbes(): Promise<number>;
};

export async function cliRecorder(dir: string, realClaude = realpathSync(claudeBin())): Promise<CliRecorder> {
  await mkdir(dir, { recursive: true });
  const log = path.join(dir, "starts");
  await mkdir(log, { recursive: true });
  const executable = path.join(dir, "claude");
  // One directory per start, named by a counter kept in a file (starts are sequential).
  const script = `#!/bin/sh
set -e
d=${shq(log)}
n=$(ls "$d" | wc -l)
s="$d/$(printf '%04d' "$n")"
mkdir "$s"
printf '%s\\0' "$@" > "$s/argv"
env -0 > "$s/env"
if [ -f "$HOME/.claude/settings.json" ]; then cp "$HOME/.claude/settings.json" "$s/home-settings.json"; fi
prev=
for a in "$@"; do
  case "$prev" in
    --mcp-config) cp "$a" "$s/mcp-config.json" 2>/dev/null || true ;;
    --system-prompt-file) cp "$a" "$s/system-prompt-file" 2>/dev/null || true ;;
    --append-system-prompt-file) cp "$a" "$s/append-system-prompt-file" 2>/dev/null || true ;;
  esac
  prev="$a"
done
exec ${shq(realClaude)} "$@"
`;
  await writeFile(executable, script, { mode: 0o755 });

  async function all(): Promise<CliStart[]> {
    const names = (await readdir(log)).sort();
    const out: CliStart[] = [];
    for (const name of names) {
      const d = path.join(log, name);
      const argv = (await readFile(path.join(d, "argv"), "utf8")).split("\0");
      argv.pop();
      const env: Record<string, string> = {};
      for (const entry of (await readFile(path.join(d, "env"), "utf8")).split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      const json = async (f: string) => {
        try {
          return JSON.parse(await readFile(path.join(d, f), "utf8")) as never;
        } catch {
          return undefined;
        }
      };
      const promptFiles: Record<string, string> = {};
      for (const f of ["system-prompt-file", "append-system-prompt-file"]) {
        try {
          promptFiles[`--${f}`] = await readFile(path.join(d, f), "utf8");
        } catch {
          // not given
        }
      }
      const homeSettings = await json("home-settings.json");
      const mcpConfig = await json("mcp-config.json");
      out.push({ argv, env, promptFiles, ...(homeSettings ? { homeSettings } : {}), ...(mcpConfig ? { mcpConfig } : {}) });
    }
    return out;
  }

  return {
    executable,
    async starts() {
      return (await all()).filter((s) => !(s.argv.length === 1 && s.argv[0] === "--version"));
    },
    async versionProbes() {
      return (await all()).filter((s) => s.argv.length === 1 && s.argv[0] === "--version").length;
    },
  };
}

/** Every value of `--name` in an argv (flag and value as separate words, or `--name=value`). */
export function flagValues(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) {
      const v = argv[i + 1];
      if (v !== undefined && !v.startsWith("--")) out.push(v);
      else out.push("");
    } else if (a.startsWith(`--${name}=`)) {
      out.push(a.slice(name.length + 3));
    }
  }
  return out;
}

/** How many times `--name` appears (either spelling). */
export function flagCount(argv: readonly string[], name: string): number {
  return argv.filter((a) => a === `--${name}` || a.startsWith(`--${name}=`)).length;
}
