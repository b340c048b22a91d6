/**
 * Gitea's swagger specs (1.22, 1.24, 1.25): loading, route-template matching
 * and ajv validation of request bodies / response bodies. The emulator
 * validates against the spec of the version it emulates (the newest spec not
 * newer than it: 1.23 uses 1.22's).
 *
 * The spec files live outside the repository (`../shared/reference`, next to
 * the checkout). When one is missing, `loadSpec()` returns null and every
 * check is skipped.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AjvImport from "ajv";
import type { ValidateFunction, ErrorObject } from "ajv";

const REFERENCE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../..", // repository root
  "../shared/reference",
);

/** The Gitea versions whose specs we have, oldest first. */
export const SPEC_VERSIONS = ["1.22", "1.24", "1.25"] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];

/** The one place that knows where the swagger files are. */
export const SWAGGER_PATHS: Record<SpecVersion, string> = {
  "1.22": path.join(REFERENCE_DIR, "gitea-swagger-v1.22.json"),
  "1.24": path.join(REFERENCE_DIR, "gitea-swagger-v1.24.json"),
  "1.25": path.join(REFERENCE_DIR, "gitea-swagger-v1.25.json"),
};
export const SWAGGER_PATH = SWAGGER_PATHS["1.22"];

/** The spec an API of this Gitea version is checked against: the newest one not newer than it. */
export function specVersionFor(apiVersion: string): SpecVersion {
  const [maj = 0, min = 0] = apiVersion.replace(/^v/, "").split(".").map((x) => Number.parseInt(x, 10) || 0);
  let chosen: SpecVersion = SPEC_VERSIONS[0];
  for (const v of SPEC_VERSIONS) {
    const [a, b] = v.split(".").map(Number) as [number, number];
    if (maj > a || (maj === a && min >= b)) chosen = v;
  }
  return chosen;
}

// ajv is CommonJS; depending on the loader the class is the default export or
// its `.default`.
type AjvClass = typeof AjvImport;
const Ajv: AjvClass =
  ((AjvImport as unknown as { default?: AjvClass }).default ?? AjvImport) as AjvClass;

/** Path parameters that Gitea routes as `*` (may contain slashes). */
const WILDCARD_PARAMS = new Set(["filepath", "branch"]);

export interface CompiledRoute {
  /** "METHOD /path/{param}" */
  route: string;
  method: string;
  template: string;
  regex: RegExp;
  params: string[];
  /** larger = more specific (count of literal characters) */
  score: number;
}

export function compileRoute(route: string): CompiledRoute {
  const space = route.indexOf(" ");
  if (space < 0) throw new Error(`bad route ${route}`);
  const method = route.slice(0, space).toUpperCase();
  const template = route.slice(space + 1);
  const params: string[] = [];
  let score = 0;
  let src = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    const literal = open < 0 ? template.slice(i) : template.slice(i, open);
    src += literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    score += literal.length;
    if (open < 0) break;
    const close = template.indexOf("}", open);
    const name = template.slice(open + 1, close);
    params.push(name);
    src += WILDCARD_PARAMS.has(name) ? "(.+)" : "([^/]+?)";
    i = close + 1;
  }
  return { route: `${method} ${template}`, method, template, regex: new RegExp(`^${src}$`), params, score };
}

export interface RouteMatch<T extends CompiledRoute = CompiledRoute> {
  entry: T;
  params: Record<string, string>;
}

/** Finds the most specific compiled route matching method + raw (encoded) path. */
export function matchRoute<T extends CompiledRoute>(
  routes: readonly T[],
  method: string,
  rawPath: string,
): RouteMatch<T> | null {
  let best: RouteMatch<T> | null = null;
  for (const entry of routes) {
    if (entry.method !== method) continue;
    const m = entry.regex.exec(rawPath);
    if (!m) continue;
    if (best && best.entry.score >= entry.score) continue;
    const params: Record<string, string> = {};
    entry.params.forEach((name, idx) => {
      const raw = m[idx + 1] ?? "";
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    best = { entry, params };
  }
  return best;
}

interface SwaggerParam {
  name: string;
  in: string;
  required?: boolean;
  type?: string;
  format?: string;
  enum?: unknown[];
  schema?: unknown;
}
interface SwaggerOperation {
  parameters?: SwaggerParam[];
  responses?: Record<string, { $ref?: string; schema?: unknown; description?: string }>;
  produces?: string[];
}
interface SwaggerDoc {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, unknown>;
  responses: Record<string, { schema?: unknown; description?: string }>;
}

/** Query parameters accepted on every route (auth variants of the spec's securityDefinitions). */
const GLOBAL_QUERY = new Set(["token", "access_token", "sudo"]);

const DEF_ID = "gitea-swagger";

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/definitions/")) {
        out[k] = `${DEF_ID}${v}`;
      } else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return schema;
}

/** Same schema tree with `additionalProperties: false` on every object that lists properties. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema && typeof schema === "object") {
    const obj = schema as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = k === "properties" ? mapValues(v, closeObjects) : closeObjects(v);
    if (obj.properties && obj.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  }
  return schema;
}
function mapValues(v: unknown, fn: (x: unknown) => unknown): unknown {
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fn(x)]));
}

/**
 * Copy without null values (object properties and array items). Gitea
 * serialises nil Go pointers/slices as `null`, which swagger 2.0 cannot
 * express, so responses are validated as if such fields were absent.
 */
export function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(stripNulls);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || "(root)";
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${where}: unknown field "${extra}"`;
    }
    return `${where}: ${e.message ?? e.keyword}`;
  });
}

export class Spec {
  readonly routes: CompiledRoute[];
  private readonly ops = new Map<string, SwaggerOperation>();
  private readonly ajv: InstanceType<AjvClass>;
  private readonly closedAjv: InstanceType<AjvClass>;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(
    private readonly doc: SwaggerDoc,
    /** the Gitea version of this spec ("1.22", "1.24", "1.25") */
    readonly version: SpecVersion = "1.22",
  ) {
    this.routes = [];
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(methods)) {
        if (m === "parameters") continue;
        const route = `${m.toUpperCase()} ${p}`;
        this.ops.set(route, op);
        this.routes.push(compileRoute(route));
      }
    }
    const mk = (defs: unknown) => {
      const ajv = new Ajv({
        strict: false,
        allErrors: true,
        validateFormats: true,
        formats: {
          int64: true,
          uint64: true,
          int32: true,
          email: true, // Gitea emits "" and placeholder addresses; not worth flagging
          "date-time": RFC3339,
        },
      });
      ajv.addSchema({ $id: DEF_ID, definitions: defs });
      return ajv;
    };
    this.ajv = mk(doc.definitions);
    this.closedAjv = mk(mapValues(doc.definitions, closeObjects));
  }

  has(route: string): boolean {
    return this.ops.has(route);
  }

  /** Does this spec describe Gitea `version` or later (so a route added in `version` must be in it)? */
  covers(version: string): boolean {
    const [a = 0, b = 0] = this.version.split(".").map(Number);
    const [c = 0, d = 0] = version.split(".").map((x) => Number.parseInt(x, 10) || 0);
    return a > c || (a === c && b >= d);
  }

  /** Finds the spec operation for a path relative to /api/v1. */
  match(method: string, rawPath: string): RouteMatch | null {
    return matchRoute(this.routes, method, rawPath);
  }

  queryParams(route: string): SwaggerParam[] {
    return (this.ops.get(route)?.parameters ?? []).filter((p) => p.in === "query");
  }

  /** Problems with the query string: unknown names, bad integers/enums/dates. */
  checkQuery(route: string, query: URLSearchParams): string[] {
    const known = new Map(this.queryParams(route).map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const [name, value] of query) {
      if (GLOBAL_QUERY.has(name)) continue;
      const p = known.get(name);
      if (!p) {
        problems.push(`unknown query parameter "${name}"`);
        continue;
      }
      if (p.type === "integer" && !/^-?\d+$/.test(value)) problems.push(`query "${name}" is not an integer: ${value}`);
      if (p.type === "boolean" && !/^(true|false)$/.test(value)) problems.push(`query "${name}" is not a boolean: ${value}`);
      if (p.enum && !p.enum.includes(value)) problems.push(`query "${name}" not in ${JSON.stringify(p.enum)}: ${value}`);
      if (p.format === "date-time" && !RFC3339.test(value)) problems.push(`query "${name}" is not RFC3339: ${value}`);
    }
    return problems;
  }

  private bodySchema(route: string): unknown {
    return (this.ops.get(route)?.parameters ?? []).find((p) => p.in === "body")?.schema;
  }

  hasBody(route: string): boolean {
    return this.bodySchema(route) !== undefined;
  }

  private compile(key: string, schema: unknown, closed: boolean): ValidateFunction | null {
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    let fn: ValidateFunction | null = null;
    if (schema !== undefined) {
      const s = rewriteRefs(closed ? closeObjects(schema) : schema) as object;
      fn = (closed ? this.closedAjv : this.ajv).compile(s);
    }
    this.cache.set(key, fn);
    return fn;
  }

  /** Errors of the JSON body against the operation's body schema (what Gitea's binding would reject). */
  validateBody(route: string, body: unknown): string[] {
    const fn = this.compile(`body:${route}`, this.bodySchema(route), false);
    if (!fn || fn(body)) return [];
    return formatErrors(fn.errors);
  }

  /** Fields the schema does not declare (Gitea silently ignores them; usually a client bug). */
  unknownBodyFields(route: string, body: unknown): string[] {
    const fn = this.compile(`closed:${route}`, this.bodySchema(route), true);
    if (!fn || fn(body)) return [];
    return formatErrors(fn.errors).filter((e) => e.includes("unknown field"));
  }

  /** Declared success statuses (2xx) of an operation. */
  successStatuses(route: string): number[] {
    return Object.keys(this.ops.get(route)?.responses ?? {})
      .map(Number)
      .filter((s) => s >= 200 && s < 300);
  }

  private responseSchema(route: string, status: number, schemaName?: string): unknown {
    if (schemaName) return { $ref: `#/definitions/${schemaName}` };
    const r = this.ops.get(route)?.responses?.[String(status)];
    if (!r) return undefined;
    if (r.$ref?.startsWith("#/responses/")) return this.doc.responses[r.$ref.slice("#/responses/".length)]?.schema;
    return r.schema;
  }

  /**
   * Validates a JSON response body. `schemaOverride` names a list/definition
   * to use instead of the declared one (e.g. contents of a directory).
   */
  validateResponse(route: string, status: number, body: unknown, schemaOverride?: string): string[] {
    const declared = this.successStatuses(route);
    if (declared.length > 0 && !declared.includes(status)) {
      return [`status ${status} is not a declared success response (${declared.join(", ")})`];
    }
    let schema = this.responseSchema(route, status);
    if (schemaOverride) {
      schema = schemaOverride.endsWith("[]")
        ? { type: "array", items: { $ref: `#/definitions/${schemaOverride.slice(0, -2)}` } }
        : { $ref: `#/definitions/${schemaOverride}` };
    }
    const fn = this.compile(`resp:${route}:${status}:${schemaOverride ?? ""}`, schema, false);
    if (!fn || fn(stripNulls(body))) return [];
    return formatErrors(fn.errors);
  }
}

const cached = new Map<SpecVersion, Spec | null>();

/** Loads (once) the swagger spec of a version (default 1.22), or returns null when the file is absent. */
export function loadSpec(version: SpecVersion = "1.22"): Spec | null {
  const hit = cached.get(version);
  if (hit !== undefined) return hit;
  const file = SWAGGER_PATHS[version];
  const spec = existsSync(file) ? new Spec(JSON.parse(readFileSync(file, "utf8")) as SwaggerDoc, version) : null;
  cached.set(version, spec);
  return spec;
}
