/**
 * Redaction by value: every secret the run knows (tokens, keys, the progress
 * secret) is replaced wherever it appears, including its base64 forms used in
 * HTTP basic auth headers.
 */
export const REDACTED = "***";

export function secretVariants(secret: string): string[] {
  const variants = new Set<string>();
  if (secret.length < 4) return [];
  variants.add(secret);
  variants.add(Buffer.from(secret).toString("base64"));
  for (const user of ["x-access-token", "oauth2", "token", "git"]) {
    variants.add(Buffer.from(`${user}:${secret}`).toString("base64"));
  }
  return [...variants];
}

/**
 * A message that shows a value cut short ("sk-ant-api03-abc...") shows the
 * start of a secret that redaction by whole value would miss: any run of at
 * least this many leading characters of a secret is redacted too.
 */
export const MIN_SECRET_PREFIX = 16;

export class Redactor {
  private readonly values: string[];
  private readonly prefixed: string[];
  constructor(secrets: Iterable<string | undefined>) {
    const all = new Set<string>();
    const raw = new Set<string>();
    for (const s of secrets) {
      if (!s) continue;
      for (const v of secretVariants(s.trim())) all.add(v);
      if (s.trim().length > MIN_SECRET_PREFIX) raw.add(s.trim());
    }
    // Longest first, so a secret containing another is replaced whole.
    this.values = [...all].sort((a, b) => b.length - a.length);
    this.prefixed = [...raw];
  }
  get secrets(): readonly string[] {
    return this.values;
  }
  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    for (const secret of this.prefixed) out = redactPrefixes(out, secret);
    return out;
  }
}

/** Replaces every run of MIN_SECRET_PREFIX or more leading characters of `secret`. */
function redactPrefixes(text: string, secret: string): string {
  const head = secret.slice(0, MIN_SECRET_PREFIX);
  let at = text.indexOf(head);
  if (at === -1) return text;
  let out = "";
  let from = 0;
  while (at !== -1) {
    let end = at + head.length;
    while (end - at < secret.length && text[end] === secret[end - at]) end++;
    out += text.slice(from, at) + REDACTED;
    from = end;
    at = text.indexOf(head, end);
  }
  return out + text.slice(from);
}
