/**
 * Images people put on the issue, pull request, comments and reviews,
 * downloaded for Claude to look at: only from this Gitea server (the token
 * never goes elsewhere, redirects off the server are not followed), only
 * attachments and files of this repository, at most IMAGE_LIMITS of them, and
 * only what its first bytes prove to be a PNG, JPEG, GIF or WebP image.
 * Everything else is left as a link, with the reason.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GiteaError, type GiteaClient } from "./client";
import type { ImageData } from "./data";
import { NetworkError } from "./http";
import { EXTENSION_OF, formatSize, imageTypeOf } from "./media";

/** The directory under RUNNER_TEMP (not under prepare's own directory, which Claude may not read). */
export const IMAGE_DIR_NAME = "claude-code-gitea-images";

export const IMAGE_LIMITS = {
  /** Images downloaded per run. */
  count: 20,
  /** Bytes per image (the Messages API takes images up to 5 MB). */
  bytes: 5 * 1024 * 1024,
  /** Bytes for all images of a run. */
  totalBytes: 40 * 1024 * 1024,
};

export type ImageLimits = typeof IMAGE_LIMITS;

/**
 * The URL on this server an image may be fetched from, or why not: relative
 * URLs are read against the public base; a URL under the public base is
 * fetched from the runner's address of the same server; only `/attachments/<uuid>`
 * (also under `/<owner>/<repo>/`) and this repository's `raw/` files qualify.
 */
export function serverUrlOf(url: string, o: { publicUrl: string; serverUrl: string; repository: string }): { url: string } | { skipped: string } {
  let parsed: URL;
  try {
    parsed = new URL(url, `${o.publicUrl.replace(/\/+$/, "")}/`);
  } catch {
    return { skipped: "not a URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { skipped: "not an http(s) URL" };
  let rest: string | undefined;
  for (const base of [o.publicUrl, o.serverUrl]) {
    const b = new URL(`${base.replace(/\/+$/, "")}/`);
    if (parsed.origin === b.origin && parsed.pathname.startsWith(b.pathname)) {
      rest = `/${parsed.pathname.slice(b.pathname.length)}`;
      break;
    }
  }
  if (rest === undefined) return { skipped: "not on this Gitea server" };
  const repo = o.repository.toLowerCase();
  const attachment = /^\/(?:([^/]+\/[^/]+)\/)?attachments\/([0-9a-f-]{36})$/i.exec(rest);
  let path: string | undefined;
  if (attachment && (!attachment[1] || attachment[1].toLowerCase() === repo)) path = `/attachments/${attachment[2]!.toLowerCase()}`;
  else if (rest.toLowerCase().startsWith(`/${repo}/raw/`) && !rest.split("/").includes("..")) path = rest;
  if (!path) return { skipped: "not an attachment or file of this repository" };
  return { url: `${o.serverUrl.replace(/\/+$/, "")}${path}${path.startsWith("/attachments/") ? "" : parsed.search}` };
}

const slug = (on: string) => on.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** Reads a stream up to `max` bytes; undefined when it is longer. */
async function readCapped(body: AsyncIterable<Uint8Array>, max: number, cancel: () => Promise<void>): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      await cancel();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Downloads the images into `dir` (emptied first) and returns them with
 * `file`, `type` and `size` filled in, or `skipped` saying why not. Never
 * throws for one image: a failure is that image's reason, and is logged.
 */
export async function downloadImages(
  client: GiteaClient,
  images: readonly ImageData[],
  o: { dir: string; publicUrl: string; repository: string; limits?: ImageLimits; log?: (m: string) => void },
): Promise<ImageData[]> {
  const limits = o.limits ?? IMAGE_LIMITS;
  await rm(o.dir, { recursive: true, force: true });
  if (!images.length) return [];
  await mkdir(o.dir, { recursive: true, mode: 0o755 });
  const done = new Map<string, ImageData>();
  const perPlace = new Map<string, number>();
  let count = 0;
  let total = 0;
  const out: ImageData[] = [];
  for (const image of images) {
    if (image.skipped) {
      out.push(image);
      continue;
    }
    const target = serverUrlOf(image.url, { publicUrl: o.publicUrl, serverUrl: client.serverUrl, repository: `${client.owner}/${client.repo}` });
    if ("skipped" in target) {
      out.push({ ...image, skipped: target.skipped });
      continue;
    }
    const again = done.get(target.url);
    if (again) {
      out.push({ ...image, ...(again.file ? { file: again.file, type: again.type, size: again.size } : { skipped: again.skipped }) });
      continue;
    }
    const skip = (why: string) => {
      const result = { ...image, skipped: why };
      done.set(target.url, result);
      out.push(result);
    };
    if (count >= limits.count) {
      skip(`over the limit of ${limits.count} images per run`);
      continue;
    }
    if (image.size !== undefined && image.size > limits.bytes) {
      skip(`${formatSize(image.size)}, over the ${formatSize(limits.bytes)} limit per image`);
      continue;
    }
    const room = Math.min(limits.bytes, limits.totalBytes - total);
    if (room <= 0) {
      skip(`over the ${formatSize(limits.totalBytes)} limit for all images`);
      continue;
    }
    const name = `GET ${new URL(target.url).pathname}`;
    try {
      const res = await client.openStream(target.url, name, { accept: "image/*" });
      const declared = Number(res.headers.get("content-length") ?? "");
      if (Number.isFinite(declared) && declared > room) {
        await res.cancel();
        skip(`${formatSize(declared)}, over the ${formatSize(room)} still allowed`);
        continue;
      }
      const bytes = await readCapped(res.body, room, res.cancel);
      if (!bytes) {
        skip(`larger than the ${formatSize(room)} still allowed`);
        continue;
      }
      const type = imageTypeOf(bytes.subarray(0, 16));
      if (!type) {
        skip("not a PNG, JPEG, GIF or WebP image by its content");
        continue;
      }
      const k = (perPlace.get(image.on) ?? 0) + 1;
      perPlace.set(image.on, k);
      const file = join(o.dir, `${slug(image.on)}-${k}.${EXTENSION_OF[type]}`);
      await writeFile(file, bytes, { mode: 0o644 });
      count++;
      total += bytes.length;
      const result = { ...image, file, type, size: bytes.length };
      done.set(target.url, result);
      out.push(result);
    } catch (error) {
      if (!(error instanceof GiteaError || error instanceof NetworkError)) throw error;
      o.log?.(`Image ${image.url} (${image.on}) not downloaded: ${error.message}`);
      skip(error instanceof GiteaError && error.status === 404 ? "not found (404): deleted, or attachments are disabled" : error.message);
    }
  }
  return out;
}
