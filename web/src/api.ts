// A small client for Parley's /api/v1. The token is kept in
// sessionStorage: entered once, kept for the browser session.

export const prefix = "/api/v1";
const tokenKey = "parley.token";

export function token(): string {
  return sessionStorage.getItem(tokenKey) ?? "";
}
export function setToken(t: string): void {
  if (t) sessionStorage.setItem(tokenKey, t);
  else sessionStorage.removeItem(tokenKey);
}

export interface ProblemDetail {
  message: string;
  location?: string;
  line?: number;
  col?: number;
}
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  code?: string;
  errors?: ProblemDetail[];
}

export class APIError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail || problem.title);
  }
}

export async function call<T>(method: string, path: string, body?: string | object, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  let payload: string | undefined;
  if (typeof body === "string") {
    payload = body;
    headers["Content-Type"] = contentType ?? "application/yaml";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(prefix + path, { method, headers, body: payload });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data as Problem) ?? { status: res.status, title: res.statusText };
    if (!p.status) p.status = res.status;
    throw new APIError(p);
  }
  return data as T;
}

export interface ScenarioInfo {
  id: string;
  version: number;
  latest: number;
  title: string;
  author: string;
  saved_at: string;
  format: string;
}
export interface ScenarioDocument extends ScenarioInfo {
  scenario: Scenario;
  source: string;
}
export interface Validation {
  valid: boolean;
  title: string;
  warnings?: ProblemDetail[];
}

export type Value = number | { low: number; mode?: number; high: number };
export interface Evidence {
  source: string;
  quote: string;
  supports?: string;
  note?: string;
}
export interface Scenario {
  title: string;
  question?: string;
  sources?: { id: string; title: string; publisher?: string; author?: string; date?: string; url?: string }[];
  actors: { id: string; name: string; kind?: string; capability: Value; evidence?: Evidence[]; note?: string }[];
  issues: { id: string; name: string; description?: string; scale: { min: number; max: number; unit?: string; anchors?: { value: number; label: string }[] } }[];
  stances: { actor: string; issue: string; position: Value; salience: Value; capability?: Value; evidence?: Evidence[]; assumption?: string; note?: string }[];
  relations?: { from: string; to: string; kind: string; strength: number }[];
  variants?: { id: string; description?: string }[];
  questions?: { id: string; when?: string; description?: string }[];
}

export interface ModelInfo {
  name: string;
  summary: string;
  dynamic: boolean;
}
export interface Kind {
  name: string;
  summary: string;
  long: boolean;
}
export interface Run {
  id: string;
  status: "queued" | "running" | "done" | "failed" | "canceled";
  error?: string;
  model: string;
  analysis: string;
  run_ms?: number;
  /** The request as accepted (model, variant, seed, options…). */
  request?: any;
  /** A sweep's shard jobs K and how many are stored; absent for other runs. */
  progress?: { shards: number; shards_done: number };
  result?: any;
}
export interface RunRequest {
  scenario: string;
  version?: number;
  model: string;
  analysis?: string;
  variant?: string;
  seed?: number;
  options?: Record<string, unknown>;
}

/** Queue a run and poll it until it finishes, reporting each status. */
export async function runAndWait(req: RunRequest, progress: (r: Run, elapsed: number) => void, signal?: AbortSignal): Promise<Run> {
  let run = await call<Run>("POST", "/runs", req);
  const start = performance.now();
  let delay = 100;
  for (;;) {
    progress(run, performance.now() - start);
    if (run.status === "done" || run.status === "failed" || run.status === "canceled") return run;
    if (signal?.aborted) {
      await call<Run>("POST", `/runs/${run.id}/cancel`).catch(() => undefined);
      throw new Error("cancelled");
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 1000);
    run = await call<Run>("GET", `/runs/${run.id}`);
  }
}

export function valueText(v: Value | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "number") return String(v);
  return `${v.low}–${v.mode ?? "·"}–${v.high}`;
}
