/** Minimal fetch helper for talking to the emulator in tests. */
import type { GiteaEmulator } from "./index";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** parsed JSON body, or undefined */
  json: T;
}

export async function giteaApi<T = any>(
  emu: GiteaEmulator,
  method: string,
  path: string,
  opts: { token?: string; authorization?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.authorization) headers.Authorization = opts.authorization;
  else if (opts.token) headers.Authorization = `token ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${emu.apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

/** "Basic base64(user:password)" */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
