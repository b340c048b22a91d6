/**
 * The request that carries a progress update: node's http(s) with the
 * address check of address.ts at connection time (unless the host is listed
 * in progress_allowed_hosts), no redirects followed. Shaped like fetch so the
 * client (and tests) can swap it.
 */
import http from "node:http";
import https from "node:https";
import { guardedLookup } from "./address";

export function endpointFetch(options: { checkAddresses: boolean }): typeof fetch {
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const protocol = url.protocol === "http:" ? "http:" : "https:";
      const lib = protocol === "http:" ? http : https;
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = lib.request(
        url,
        {
          method: init.method ?? "GET",
          headers,
          ...(options.checkAddresses ? { lookup: guardedLookup(protocol) as never } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const body = [101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
            const responseHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(", ") : v);
            resolve(new Response(body, { status: status < 200 || status > 599 ? 502 : status, headers: responseHeaders }));
          });
        },
      );
      const signal = init.signal;
      const abort = () => req.destroy(Object.assign(new Error("aborted"), { name: "AbortError" }));
      if (signal?.aborted) abort();
      signal?.addEventListener("abort", abort, { once: true });
      req.on("error", (error) => reject(Object.assign(new TypeError("fetch failed"), { cause: error })));
      req.end(typeof init.body === "string" ? init.body : undefined);
    })) as typeof fetch;
}
