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

export class Redactor {
  private readonly values: string[];
  constructor(secrets: Iterable<string | undefined>) {
    const all = new Set<string>();
    for (const s of secrets) if (s) for (const v of secretVariants(s.trim())) all.add(v);
    // Longest first, so a secret containing another is replaced whole.
    this.values = [...all].sort((a, b) => b.length - a.length);
  }
  get secrets(): readonly string[] {
    return this.values;
  }
  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }
}
