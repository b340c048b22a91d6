/**
 * MCP server configuration: the user's `mcp_config` input and every
 * `--mcp-config` value in claude_args (inline JSON or workspace paths) are
 * validated and merged with the action's own servers into ONE file, passed
 * once as `--mcp-config <file>`. (At the pinned base action several
 * `--mcp-config` values are merged only when all are inline JSON: a file path
 * next to inline JSON is silently dropped, hence one file.)
 *
 * On a name clash the user's server wins, with a notice; between two user
 * sources the later one wins (claude_args after mcp_config).
 *
 * Messages name paths inside the config but never print values: headers and
 * env often hold tokens.
 */
import { type ClaudeFs, readWorkspaceFile } from "./fs";
import { inputError, isPlainObject, jsonErrorWhere, jsonKind, shown, type ClaudeInputName } from "./problems";

export type McpStdioServer = {
  type?: "stdio";
  command: string;
  args?: string[];
  env?: Record<string, string>;
  [key: string]: unknown;
};
export type McpRemoteServer = {
  type: "http" | "sse";
  url: string;
  headers?: Record<string, string>;
  [key: string]: unknown;
};
export type McpServer = McpStdioServer | McpRemoteServer;
export type McpServers = Record<string, McpServer>;

type McpInput = Extract<ClaudeInputName, "mcp_config" | "claude_args">;

const EXPECTED = `{"mcpServers": {"name": {"command": "…", "args": […], "env": {…}}}} or {"mcpServers": {"name": {"type": "http", "url": "https://…", "headers": {…}}}}`;
const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function stringMap(value: unknown, where: string, input: McpInput, what: string): Record<string, string> {
  if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw inputError(input, `${what}: ${where} must be an object of string values (got ${jsonKind(value)}${isPlainObject(value) ? " with a non-string value" : ""})`);
  }
  return value as Record<string, string>;
}

function checkServer(name: string, server: unknown, input: McpInput, what: string): McpServer {
  const at = `mcpServers.${name}`;
  if (!SERVER_NAME.test(name)) {
    throw inputError(input, `${what}: server name ${shown(name)} is not usable in tool names (mcp__<server>__<tool>); expected letters, digits, '-' or '_'`);
  }
  if (!isPlainObject(server)) throw inputError(input, `${what}: ${at} is ${jsonKind(server)}; expected an object like ${EXPECTED}`);
  const type = server.type ?? (server.url !== undefined ? undefined : "stdio");
  if (type === undefined) {
    throw inputError(input, `${what}: ${at} has a url but no type; expected "type": "http" or "type": "sse"`);
  }
  if (type === "stdio") {
    if (typeof server.command !== "string" || server.command.trim() === "") {
      throw inputError(input, `${what}: ${at}.command must be a non-empty string (got ${jsonKind(server.command)}); expected ${EXPECTED}`);
    }
    if (server.args !== undefined && (!Array.isArray(server.args) || server.args.some((a) => typeof a !== "string"))) {
      throw inputError(input, `${what}: ${at}.args must be an array of strings (got ${jsonKind(server.args)})`);
    }
    if (server.env !== undefined) stringMap(server.env, `${at}.env`, input, what);
    return server as McpStdioServer;
  }
  if (type === "http" || type === "sse") {
    let ok = false;
    if (typeof server.url === "string") {
      try {
        const u = new URL(server.url);
        ok = u.protocol === "https:" || u.protocol === "http:";
      } catch {
        ok = false;
      }
    }
    if (!ok) throw inputError(input, `${what}: ${at}.url must be an http(s) URL (got ${jsonKind(server.url)})`);
    if (server.headers !== undefined) stringMap(server.headers, `${at}.headers`, input, what);
    return server as McpRemoteServer;
  }
  throw inputError(input, `${what}: ${at}.type is ${typeof type === "string" ? shown(type) : jsonKind(type)}; expected "stdio", "http" or "sse"`);
}

/**
 * Validates one MCP config given as JSON text. Top-level keys besides
 * `mcpServers` are reported in `ignored`.
 */
export function parseMcpConfig(text: string, input: McpInput, what: string): { servers: McpServers; ignored: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw inputError(input, `${what} is not JSON: ${jsonErrorWhere(text, e)}; expected ${EXPECTED}`);
  }
  if (!isPlainObject(parsed)) throw inputError(input, `${what} is ${jsonKind(parsed)}; expected ${EXPECTED}`);
  if (!("mcpServers" in parsed)) {
    const keys = Object.keys(parsed).slice(0, 5).map((k) => shown(k, 30)).join(", ");
    throw inputError(input, `${what} has no "mcpServers" key (top-level keys: ${keys || "none"}); expected ${EXPECTED}`);
  }
  if (!isPlainObject(parsed.mcpServers)) {
    throw inputError(input, `${what}: "mcpServers" is ${jsonKind(parsed.mcpServers)}; expected an object of servers, ${EXPECTED}`);
  }
  const servers: McpServers = {};
  for (const [name, server] of Object.entries(parsed.mcpServers)) servers[name] = checkServer(name, server, input, what);
  return { servers, ignored: Object.keys(parsed).filter((k) => k !== "mcpServers") };
}

/**
 * One MCP config value: inline JSON (starts with `{`) or the path of a JSON
 * file in the workspace.
 */
export async function loadMcpConfig(
  value: string,
  ctx: { workspace: string; fs: ClaudeFs; allowedRoots?: readonly string[] },
  input: McpInput,
  what: string,
): Promise<{ servers: McpServers; ignored: string[]; source: string }> {
  const v = value.trim();
  // A value that starts like JSON is JSON (an array is then reported as such, not looked for as a file).
  if (v.startsWith("{") || v.startsWith("[")) return { ...parseMcpConfig(v, input, what), source: what };
  const file = await readWorkspaceFile(v, ctx, input, `${what} file`);
  const source = `${what} file ${shown(v)}`;
  return { ...parseMcpConfig(file.content, input, source), source };
}

/**
 * Adds `servers` from `source` to `into`; a name already present is replaced
 * (the later source wins) and reported through `notice`.
 */
export function addServers(
  into: McpServers,
  owners: Map<string, string>,
  servers: McpServers,
  source: string,
  notice: (message: string) => void,
): void {
  for (const [name, server] of Object.entries(servers)) {
    const previous = owners.get(name);
    if (previous !== undefined && previous !== source) {
      notice(`MCP server '${name}' from ${source} replaces the one from ${previous}.`);
    }
    into[name] = server;
    owners.set(name, source);
  }
}

/**
 * The action's servers, then the user's: a user server with the name of one
 * of the action's replaces it (with a notice).
 */
export function mergeWithForkServers(fork: McpServers, user: McpServers, notice: (message: string) => void): McpServers {
  const merged: McpServers = { ...fork };
  for (const [name, server] of Object.entries(user)) {
    if (name in fork) notice(`MCP server '${name}' from your configuration replaces the action's own '${name}' server.`);
    merged[name] = server;
  }
  return merged;
}

export async function writeMcpConfigFile(path: string, servers: McpServers, fs: ClaudeFs): Promise<void> {
  await fs.writeFile(path, `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`, 0o600);
}
