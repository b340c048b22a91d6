// The test MCP server's launch configuration for `claude --mcp-config`.

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./cli";

/** Absolute path of the echo MCP server (TypeScript, run through tsx's loader). */
export const ECHO_MCP_SERVER = path.join(REPO_ROOT, "test", "support", "model", "fixtures", "echo-mcp-server.ts");

/** `{ command, args }` that starts a TypeScript file with this node and tsx's loader (independent of cwd). */
export function tsNodeCommand(file: string, args: string[] = []): { command: string; args: string[] } {
  const loader = pathToFileURL(path.join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
  return { command: process.execPath, args: ["--import", loader, file, ...args] };
}

export interface EchoMcp {
  /** Path of the JSON file to pass to `--mcp-config`. */
  configFile: string;
  /** The server name in the config (tools appear as mcp__<name>__echo). */
  name: string;
  /** Calls the server received, in order. */
  calls(): Promise<{ tool: string; text: string }[]>;
}

/** Write an --mcp-config file for the echo server into `dir`. */
export async function echoMcpConfig(dir: string, name = "echo"): Promise<EchoMcp> {
  const callsFile = path.join(dir, `${name}-mcp-calls.jsonl`);
  const configFile = path.join(dir, `${name}-mcp.json`);
  const { command, args } = tsNodeCommand(ECHO_MCP_SERVER, [callsFile, name]);
  await writeFile(configFile, JSON.stringify({ mcpServers: { [name]: { type: "stdio", command, args } } }, null, 2));
  return {
    configFile,
    name,
    async calls() {
      let raw = "";
      try {
        raw = await readFile(callsFile, "utf8");
      } catch {
        return [];
      }
      return raw
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { tool: string; text: string });
    },
  };
}
