/**
 * Reading fields of an event payload: each read names the field and what it
 * should be, so a payload Gitea did not shape as expected fails with a clear
 * ContextError instead of an undefined deep in the run.
 */
import { ContextError, type Entity, type EventChanges, type Person, type RepoRef } from "./event-types";
import type { GiteaPermissions } from "./types";

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export class Reader {
  constructor(private readonly eventName: string) {}
  fail(field: string, expected: string): never {
    throw new ContextError(`Event '${this.eventName}': payload field '${field}' is missing or not ${expected}.`);
  }
  obj(v: unknown, field: string): Json {
    return isObj(v) ? v : this.fail(field, "an object");
  }
  str(v: unknown, field: string): string {
    return typeof v === "string" ? v : this.fail(field, "a string");
  }
  optStr(v: unknown): string {
    return typeof v === "string" ? v : "";
  }
  num(v: unknown, field: string): number {
    return typeof v === "number" && Number.isFinite(v) ? v : this.fail(field, "a number");
  }
  person(v: unknown, field: string): Person {
    const o = this.obj(v, field);
    return {
      login: this.str(o.login, `${field}.login`),
      id: typeof o.id === "number" ? o.id : 0,
      ...(typeof o.full_name === "string" && o.full_name ? { fullName: o.full_name } : {}),
    };
  }
  repository(v: unknown): RepoRef {
    const o = this.obj(v, "repository");
    const fullName = this.str(o.full_name, "repository.full_name");
    const owner = isObj(o.owner) && typeof o.owner.login === "string" ? o.owner.login : fullName.split("/")[0];
    const name = typeof o.name === "string" ? o.name : fullName.split("/")[1];
    if (!owner || !name) this.fail("repository.full_name", "'owner/name'");
    return {
      owner,
      name,
      fullName,
      defaultBranch: this.optStr(o.default_branch) || "main",
      htmlUrl: this.optStr(o.html_url),
    };
  }
  permissions(v: unknown): GiteaPermissions | undefined {
    if (!isObj(v)) return undefined;
    return { admin: v.admin === true, push: v.push === true, pull: v.pull === true };
  }
  names(v: unknown, key: "name" | "login"): string[] {
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => (isObj(x) && typeof x[key] === "string" ? [x[key] as string] : []));
  }
  entity(v: unknown, field: string, isPR: boolean): Entity {
    const o = this.obj(v, field);
    const assignees = this.names(o.assignees, "login");
    if (!assignees.length && isObj(o.assignee) && typeof o.assignee.login === "string") assignees.push(o.assignee.login);
    return {
      number: this.num(o.number, `${field}.number`),
      isPR,
      title: this.optStr(o.title),
      body: this.optStr(o.body),
      author: this.person(o.user, `${field}.user`),
      state: this.optStr(o.state) || "open",
      labels: this.names(o.labels, "name"),
      assignees,
      htmlUrl: this.optStr(o.html_url),
      ...(isPR && isObj(o.head) && typeof o.head.sha === "string" && /^[0-9a-f]{40,64}$/i.test(o.head.sha) ? { headSha: o.head.sha } : {}),
      ...(isPR ? pullOrigin(o) : {}),
      ...(isPR && isObj(o.base) && typeof o.base.ref === "string" && o.base.ref ? { baseRef: o.base.ref } : {}),
    };
  }
}

/** A pull_request* payload's word on where the head lives (see Entity.pullOrigin). */
function pullOrigin(o: Json): { pullOrigin: NonNullable<Entity["pullOrigin"]> } | Record<string, never> {
  if (!isObj(o.head) || !isObj(o.base)) return {};
  const id = (b: Json) => (typeof b.repo_id === "number" ? b.repo_id : isObj(b.repo) && typeof b.repo.id === "number" ? b.repo.id : undefined);
  const head = id(o.head);
  const base = id(o.base);
  if (head === undefined || base === undefined) return {};
  const fork = head !== base;
  const agit = !fork && typeof o.head.ref === "string" && o.head.ref.startsWith("refs/pull/") && !o.head.label;
  const headRepo = isObj(o.head.repo) && typeof o.head.repo.full_name === "string" ? o.head.repo.full_name : undefined;
  return { pullOrigin: { fork, agit, ...(headRepo ? { headRepo } : {}) } };
}

export function readChanges(v: unknown): EventChanges | undefined {
  if (!isObj(v)) return undefined;
  const from = (x: unknown) => (isObj(x) && typeof x.from === "string" ? x.from : undefined);
  const titleFrom = from(v.title);
  const bodyFrom = from(v.body);
  const added = Array.isArray(v.added_labels)
    ? v.added_labels.flatMap((l) => (isObj(l) && typeof l.name === "string" ? [l.name] : typeof l === "string" ? [l] : []))
    : undefined;
  if (titleFrom === undefined && bodyFrom === undefined && added === undefined) return undefined;
  return { ...(titleFrom !== undefined ? { titleFrom } : {}), ...(bodyFrom !== undefined ? { bodyFrom } : {}), ...(added ? { addedLabels: added } : {}) };
}
