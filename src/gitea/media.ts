/**
 * Pure helpers about files people put on issues and comments: which image
 * URLs a markdown text embeds, what type a file name suggests, and what type
 * a file's first bytes prove.
 */

/** Image URLs a markdown text embeds: `![…](url)`, `![…](<url>)`, reference images and `<img src=…>`, in order, once each. */
export function embeddedImageUrls(markdown: string): string[] {
  const urls: string[] = [];
  const add = (u: string | undefined) => {
    const url = u?.trim();
    if (url && !urls.includes(url)) urls.push(url);
  };
  for (const m of markdown.matchAll(/!\[[^\]]*\]\(\s*(?:<([^>\n]+)>|([^)\s]+))/g)) add(m[1] ?? m[2]);
  for (const m of markdown.matchAll(/<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) add(m[1] ?? m[2] ?? m[3]);
  // `![alt][ref]` with `[ref]: url` elsewhere.
  const refs = new Map<string, string>();
  for (const m of markdown.matchAll(/^ {0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]+)>?/gm)) refs.set(m[1]!.trim().toLowerCase(), m[2]!);
  for (const m of markdown.matchAll(/!\[([^\]]*)\]\[([^\]]*)\]/g)) add(refs.get((m[2] || m[1] || "").trim().toLowerCase()));
  return urls;
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  bmp: "image/bmp",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tgz: "application/gzip",
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  xml: "application/xml",
  html: "text/html",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};

/** The type a file name suggests (its extension), or "unknown type". */
export function typeOfName(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  return TYPES_BY_EXTENSION[ext] ?? "unknown type";
}

/** Image types Claude can read, by extension. */
export const READABLE_IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type ImageType = (typeof READABLE_IMAGE_TYPES)[number];

export const EXTENSION_OF: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp" };

/** Whether a name looks like an image Claude could read (its content is checked after download). */
export function looksLikeImage(name: string): boolean {
  return (READABLE_IMAGE_TYPES as readonly string[]).includes(typeOfName(name));
}

/** The image type the first bytes prove (PNG, JPEG, GIF, WebP signatures), or undefined. */
export function imageTypeOf(head: Uint8Array): ImageType | undefined {
  const b = (i: number) => head[i] ?? -1;
  const ascii = (from: number, text: string) => [...text].every((ch, i) => b(from + i) === ch.charCodeAt(0));
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b(i) === v)) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  return undefined;
}

/** `12 KB`, `3.4 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
