import "./style.css";
import { APIError, call, runAndWait, setToken, token } from "./api";
import type { Kind, ModelInfo, ProblemDetail, Run, Scenario, ScenarioDocument, ScenarioInfo, Validation, Value } from "./api";
import * as chart from "./charts";
import { Editor } from "./editor";
import { isScalar, parseDocument } from "yaml";

const main = document.getElementById("main")!;
const statusEl = document.getElementById("status")!;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...kids);
  return el;
}

function say(msg: string, error = false): void {
  statusEl.textContent = msg;
  statusEl.classList.toggle("error", error);
}

// explain says what went wrong; with fields, it adds each field a refused
// request names (the editor lists a document's errors itself).
function explain(e: unknown, fields = false): string {
  if (e instanceof APIError) {
    const p = e.problem;
    if (p.status === 401) return `${p.detail ?? "Unauthorized"} — enter an API token above.`;
    // A refused request names each field at fault: say which and why.
    const errs = (fields ? p.errors ?? [] : []).map((d) => `${d.location ? d.location.replace(/^body\./, "") + ": " : ""}${d.message}`);
    return errs.length ? `${p.detail ?? p.title}: ${errs.join("; ")}` : p.detail ?? p.title;
  }
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------- token
const tokenForm = document.getElementById("token-form") as HTMLFormElement;
const tokenInput = document.getElementById("token") as HTMLInputElement;
const tokenState = document.getElementById("token-state")!;
function showToken(): void {
  tokenState.textContent = token() ? "kept for this session" : "none (read-only if the server allows)";
}
tokenForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  setToken(tokenInput.value.trim());
  tokenInput.value = "";
  showToken();
  route();
});
showToken();

// ---------------------------------------------------------------- routes
// generation counts route changes: a page whose data arrives after the
// route has changed again must not draw into the new page.
let generation = 0;

window.addEventListener("hashchange", route);
route();

function route(): void {
  const gen = ++generation;
  window.onbeforeunload = null;
  chart.disposeAll();
  showToken();
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  main.replaceChildren();
  say("");
  if (parts[0] === "s" && parts[1]) void scenarioPage(parts[1], parts[2] ?? "editor", gen);
  else if (parts[0] === "new") newPage();
  else void listPage(gen);
}

async function listPage(gen: number): Promise<void> {
  main.append(h("h1", {}, "Scenarios"));
  try {
    const list = await call<{ items: ScenarioInfo[] }>("GET", "/scenarios?limit=200");
    if (gen !== generation) return;
    if (!list.items.length) {
      main.append(h("p", {}, "No scenarios yet. ", h("a", { href: "#/new" }, "Add one"), "."));
      return;
    }
    const tb = h("tbody");
    for (const s of list.items) {
      tb.append(h("tr", {},
        h("td", {}, h("a", { href: `#/s/${s.id}` }, s.title || s.id)),
        h("td", {}, `v${s.latest}`), h("td", {}, s.author), h("td", {}, new Date(s.saved_at).toLocaleString())));
    }
    main.append(h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Title"), h("th", {}, "Version"), h("th", {}, "Author"), h("th", {}, "Saved"))), tb));
  } catch (e) {
    if (gen === generation) say(explain(e), true);
  }
}

function newPage(): void {
  main.append(h("h1", {}, "New scenario"), h("p", {}, "Paste or type a scenario document (YAML or JSON). It is checked as you type."));
  const ed = new Editor("title: \nactors: []\nissues: []\nstances: []\n");
  const save = h("button", { type: "button" }, "Save");
  save.addEventListener("click", async () => {
    try {
      const s = await call<ScenarioInfo>("POST", "/scenarios", ed.value);
      location.hash = `#/s/${s.id}`;
    } catch (e) {
      ed.showProblem(e);
      say(explain(e), true);
    }
  });
  main.append(ed.root, h("div", { class: "actions" }, save));
  ed.focus();
}

// ---------------------------------------------------------------- a scenario
let models: ModelInfo[] | undefined;
let kinds: Kind[] | undefined;

async function scenarioPage(id: string, tab: string, gen: number): Promise<void> {
  let doc: ScenarioDocument;
  try {
    doc = await call<ScenarioDocument>("GET", `/scenarios/${id}`);
    models ??= (await call<{ items: ModelInfo[] }>("GET", "/models")).items;
    kinds ??= (await call<{ items: Kind[] }>("GET", "/analyses")).items;
  } catch (e) {
    if (gen === generation) say(explain(e), true);
    return;
  }
  if (gen !== generation) return;
  const tabs: [string, string][] = [["editor", "Editor"], ["form", "Actors, issues, stances"], ["run", "Run"], ["compare", "Compare variants"], ["network", "Network"]];
  const nav = h("nav", { class: "tabs", "aria-label": "Scenario views" });
  for (const [key, label] of tabs) {
    const a = h("a", { href: `#/s/${id}/${key}` }, label);
    if (key === tab) a.setAttribute("aria-current", "page");
    nav.append(a);
  }
  main.append(h("h1", {}, doc.title, " ", h("small", {}, `v${doc.version}`)), nav);
  const body = h("section", { class: "view" });
  main.append(body);
  try {
    view(tab, body, doc);
  } catch (e) {
    say(`This view failed: ${explain(e)}`, true);
  }
}

function view(tab: string, body: HTMLElement, doc: ScenarioDocument): void {
  switch (tab) {
    case "form": formView(body, doc); break;
    case "run": runView(body, doc); break;
    case "compare": compareView(body, doc); break;
    case "network": {
      const el = h("div", { class: "chart tall", id: "network-chart" });
      body.append(el);
      chart.network(el, doc.scenario);
      break;
    }
    default: editorView(body, doc);
  }
}

function editorView(body: HTMLElement, doc: ScenarioDocument): void {
  const ed = new Editor(doc.source);
  const save = h("button", { type: "button" }, "Save new version");
  save.addEventListener("click", async () => {
    try {
      const s = await call<ScenarioInfo>("PUT", `/scenarios/${doc.id}`, ed.value, doc.format === "json" ? "application/json" : "application/yaml");
      say(`Saved version ${s.version}.`);
      location.hash = `#/s/${doc.id}/editor`;
      route();
    } catch (e) {
      ed.showProblem(e);
      say(explain(e), true);
    }
  });
  body.append(ed.root, h("div", { class: "actions" }, save));
}

// The form view edits the numbers of actors and stances in place: each
// change is written into the document with the yaml library's Document
// API, which keeps comments and layout, then checked by the server.
function formView(body: HTMLElement, doc: ScenarioDocument): void {
  const sc = doc.scenario;
  const isJSON = doc.format === "json";
  // The document is edited as text: each change replaces exactly the
  // characters of one number, found through the yaml parser's source
  // ranges (JSON is read by the same parser), so everything else, comments
  // and line breaks included, stays byte for byte.
  let src = doc.source;
  const text = () => src;
  let dirty = false;
  const save = h("button", { type: "button", disabled: "" }, "Save new version");
  const state = h("span", { class: "note", "aria-live": "polite" }, "Change a number, then save.");
  let timer = 0;
  const changed = () => {
    dirty = true;
    save.disabled = false;
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      try {
        const v = await call<Validation>("POST", "/validate", text(), isJSON ? "application/json" : "application/yaml");
        state.textContent = `Valid${v.warnings?.length ? `, ${v.warnings.length} warning(s)` : ""}; not saved yet.`;
        state.className = "note";
      } catch (e) {
        state.textContent = e instanceof APIError && e.problem.errors?.length
          ? e.problem.errors.map((d) => `${d.location?.replace(/^body\.?/, "")}: ${d.message}`).join("; ")
          : explain(e);
        state.className = "note bad";
      }
    }, 300);
  };
  const setIn = (path: (string | number)[], v: number) => {
    const node = parseDocument(src).getIn(path, true);
    if (!isScalar(node) || !node.range) {
      say(`Cannot edit ${path.join(".")} here; use the editor.`, true);
      return;
    }
    const [start, end] = node.range;
    src = src.slice(0, start) + String(v) + src.slice(end);
    changed();
  };
  // valueInputs edits a value: one input for a number, three for a range.
  const valueInputs = (label: string, v: Value, path: (string | number)[]): HTMLElement => {
    const span = h("span", { class: "value" });
    const one = (lab: string, x: number | undefined, p: (string | number)[]) => {
      const inp = h("input", { type: "number", step: "any", value: x === undefined ? "" : String(x), "aria-label": lab, size: "6" });
      inp.addEventListener("change", () => {
        const n = Number(inp.value);
        if (inp.value !== "" && Number.isFinite(n)) setIn(p, n);
      });
      return inp;
    };
    if (typeof v === "number") span.append(one(label, v, path));
    else span.append(one(label + " low", v.low, [...path, "low"]), one(label + " mode", v.mode, [...path, "mode"]), one(label + " high", v.high, [...path, "high"]));
    return span;
  };
  save.addEventListener("click", async () => {
    try {
      const s = await call<ScenarioInfo>("PUT", `/scenarios/${doc.id}`, text(), isJSON ? "application/json" : "application/yaml");
      dirty = false;
      say(`Saved version ${s.version}.`);
      route();
    } catch (e) {
      say(explain(e), true);
    }
  });
  window.onbeforeunload = () => (dirty ? true : null);
  body.append(h("div", { class: "actions" }, save, " ", state));

  const srcTitle = (id: string) => {
    const s = sc.sources?.find((x) => x.id === id);
    return s ? `${s.title}${s.publisher ? ", " + s.publisher : ""}${s.date ? " (" + s.date + ")" : ""}` : id;
  };
  const actorName: Record<string, string> = Object.fromEntries(sc.actors.map((a) => [a.id, a.name]));
  body.append(h("h2", {}, "Actors"));
  const at = h("tbody");
  sc.actors.forEach((a, i) => at.append(h("tr", {}, h("td", {}, a.id), h("td", {}, a.name), h("td", {}, a.kind ?? ""),
    h("td", {}, valueInputs(`${a.name} capability`, a.capability, ["actors", i, "capability"])))));
  body.append(h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Id"), h("th", {}, "Name"), h("th", {}, "Kind"), h("th", {}, "Capability"))), at));
  body.append(h("h2", {}, "Issues"));
  const it = h("tbody");
  sc.issues.forEach((i) => it.append(h("tr", {}, h("td", {}, i.id), h("td", {}, i.name), h("td", {}, `${i.scale.min}–${i.scale.max}${i.scale.unit ? " " + i.scale.unit : ""}`),
    h("td", {}, (i.scale.anchors ?? []).map((a) => `${a.value}: ${a.label}`).join("; ")))));
  body.append(h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Id"), h("th", {}, "Name"), h("th", {}, "Scale"), h("th", {}, "Anchors"))), it));
  body.append(h("h2", {}, "Stances and their evidence"));
  for (const iss of sc.issues) {
    body.append(h("h3", {}, iss.name));
    const list = h("div", { class: "stances" });
    sc.stances.forEach((s, idx) => {
      if (s.issue !== iss.id) return;
      const ev = h("div", { class: "evidence" });
      for (const e of s.evidence ?? []) {
        ev.append(h("blockquote", {}, h("p", {}, `“${e.quote}”`), h("footer", {}, `${e.supports ? e.supports + " — " : ""}${srcTitle(e.source)}`), ...(e.note ? [h("p", { class: "note" }, e.note)] : [])));
      }
      if (!s.evidence?.length) ev.append(h("p", { class: "note" }, s.assumption ? `Assumption: ${s.assumption}` : "No evidence given."));
      const who = actorName[s.actor] ?? s.actor;
      list.append(h("article", { class: "stance", "data-stance": `${s.actor}/${s.issue}` },
        h("div", { class: "numbers" }, h("strong", {}, who),
          h("dl", {}, h("dt", {}, "position"), h("dd", {}, valueInputs(`${who} position on ${iss.name}`, s.position, ["stances", idx, "position"])),
            h("dt", {}, "salience"), h("dd", {}, valueInputs(`${who} salience on ${iss.name}`, s.salience, ["stances", idx, "salience"])))), ev));
    });
    body.append(list);
  }
}

function select(id: string, label: string, options: [string, string][], value = ""): [HTMLLabelElement, HTMLSelectElement] {
  const sel = h("select", { id });
  for (const [v, text] of options) {
    const o = h("option", { value: v }, text);
    if (v === value) o.selected = true;
    sel.append(o);
  }
  return [h("label", { for: id }, label), sel];
}

function progressText(r: Run, ms: number): string {
  const shards = r.progress ? `, ${shardsText(r)}` : "";
  return `${r.analysis === "model" ? r.model : r.analysis}: ${r.status}${shards} (${(ms / 1000).toFixed(1)} s)`;
}

/** A sweep's progress: "2 of 3 shards done". */
function shardsText(r: Run): string {
  return r.progress ? `${r.progress.shards_done} of ${r.progress.shards} shards done` : "";
}

/** What a sweep ran: the analysis named in its request, else told by the result's shape. */
function sweepKind(run: Run): "simulate" | "sensitivity" {
  const a = run.request?.options?.analysis;
  if (a === "simulate" || a === "sensitivity") return a;
  return Array.isArray(run.result?.outputs) ? "sensitivity" : "simulate";
}

type Field = HTMLInputElement | HTMLSelectElement;

/** A value the form refuses itself; what is wrong is already shown beside the field. */
class FieldInvalid extends Error {}

/**
 * FieldErrors shows what is wrong with a form's fields beside them: the
 * form's own checks, and each error of a refused request (422), which
 * names its field by location (body.options.bins: field "options.bins").
 */
class FieldErrors {
  private fields: { name: string; input: Field; note: HTMLElement }[] = [];

  /** note returns the element, to place after input, that shows the errors of the field called name. */
  note(name: string, input: Field): HTMLElement {
    const note = h("span", { class: "field-error", id: `${input.id}-error` });
    note.hidden = true;
    input.setAttribute("aria-describedby", note.id);
    this.fields.push({ name, input, note });
    return note;
  }

  clear(): void {
    for (const f of this.fields) {
      f.note.hidden = true;
      f.note.textContent = "";
      f.input.removeAttribute("aria-invalid");
    }
  }

  /** show puts msg beside the shown field called name (two fields may share a name, one shown at a time) and returns that field, if any. */
  show(name: string, msg: string): Field | undefined {
    const f = this.fields.find((x) => x.name === name && !x.input.closest("[hidden]"));
    if (!f) return undefined;
    f.note.textContent = msg;
    f.note.hidden = false;
    f.input.setAttribute("aria-invalid", "true");
    return f.input;
  }

  /** fromProblem shows each error of a refused request beside the field it names, and moves the focus to the first. */
  fromProblem(e: unknown): void {
    if (!(e instanceof APIError)) return;
    let first: Field | undefined;
    for (const d of e.problem.errors ?? []) {
      const name = d.location?.replace(/^body\./, "");
      const f = name ? this.show(name, d.message) : undefined;
      first ??= f;
    }
    first?.focus();
  }

  /** refuse shows msg beside the field, in the status line too, and stops the submission. */
  refuse(name: string, inp: Field, msg: string): never {
    this.show(name, msg);
    say(msg, true);
    inp.focus();
    throw new FieldInvalid(msg);
  }
}

/** wholeNumber reads a whole number from 1 to max, or refuses the field. */
function wholeNumber(errs: FieldErrors, name: string, inp: HTMLInputElement, what: string, max: number): number {
  const n = Number(inp.value);
  if (inp.value.trim() === "" || !Number.isInteger(n) || n < 1 || n > max) {
    errs.refuse(name, inp, `${what} must be a whole number from 1 to ${max.toLocaleString("en")}.`);
  }
  return n;
}

/**
 * optionalWhole reads a whole number, or undefined when the field is empty
 * (the server's default). Its range is the server's to check: a value it
 * refuses comes back as a 422 shown beside the field.
 */
function optionalWhole(errs: FieldErrors, name: string, inp: HTMLInputElement, what: string): number | undefined {
  if (inp.value.trim() === "") return undefined;
  const n = Number(inp.value);
  if (!Number.isInteger(n)) errs.refuse(name, inp, `${what} must be a whole number.`);
  return n;
}

function runView(body: HTMLElement, doc: ScenarioDocument): void {
  const sc = doc.scenario;
  const [ml, model] = select("model", "Model", models!.map((m) => [m.name, m.name]), "eum");
  const [al, analysis] = select("analysis", "Run", [["model", "the model"], ...kinds!.map((k): [string, string] => [k.name, k.name])]);
  const [vl, variant] = select("variant", "Variant", [["", "base"], ...(sc.variants ?? []).map((v): [string, string] => [v.id, v.id])]);
  // The options simulate, sensitivity, strategy and sweep need, shown only
  // for them. A sweep runs simulate or sensitivity as K shard jobs: it
  // shows that analysis's fields and the number of shards.
  // Defaults are the API's, but for the draws (fewer here, for speed).
  // Each field has a note beside it for what is wrong with it.
  const errs = new FieldErrors();
  const [swl, sweepOf] = select("sweep-analysis", "Sweep of", [["simulate", "simulate"], ["sensitivity", "sensitivity"]]);
  const shl = h("label", { for: "sweep-shards" }, "Shards");
  const shards = h("input", { id: "sweep-shards", type: "number", min: "1", max: "256", step: "1", value: "4", inputmode: "numeric" });
  shards.title = "Shard jobs K (at most 256), shared by the workers of every server; K never changes the result";
  const sdl = h("label", { for: "sim-draws" }, "Draws");
  const simDraws = h("input", { id: "sim-draws", type: "number", min: "1", step: "1", value: "2000", inputmode: "numeric" });
  simDraws.title = "Monte Carlo draws (at most 10,000,000; in a sweep at most 1,000,000,000)";
  const [dsl, dist] = select("sim-dist", "Distribution", [["triangular", "triangular"], ["uniform", "uniform"]]);
  const bnl = h("label", { for: "sim-bins" }, "Bins");
  const bins = h("input", { id: "sim-bins", type: "number", min: "1", step: "1", value: "20", inputmode: "numeric" });
  bins.title = "Histogram bins per issue: a divisor of 10,000 (10, 20, 25, 50, 100…); default 20";
  const [mtl, method] = select("sens-method", "Method", [["morris", "Morris (μ*)"], ["sobol", "Sobol (S1, ST)"]]);
  const dl = h("label", { for: "sens-draws" }, "Draws");
  const draws = h("input", { id: "sens-draws", type: "number", min: "1", step: "1", value: "10", inputmode: "numeric" });
  draws.title = "Morris trajectories (at most 10,000) or Sobol base rows (at most 65,536)";
  method.addEventListener("change", () => (draws.value = method.value === "sobol" ? "256" : "10"));
  const lvl = h("label", { for: "sens-levels" }, "Levels");
  const levels = h("input", { id: "sens-levels", type: "number", min: "2", step: "2", value: "4", inputmode: "numeric" });
  levels.title = "Morris grid levels: even, at least 2; default 4";
  const [spl, sampler] = select("sens-sampler", "Sampler", [["sobol", "Sobol sequence"], ["random", "random"]], "sobol");
  sampler.title = "How Sobol base rows are drawn: the quasi-random Sobol sequence (default) or pseudo-random";
  const rsl = h("label", { for: "sens-resamples" }, "Resamples");
  const resamples = h("input", { id: "sens-resamples", type: "number", min: "1", step: "1", value: "100", inputmode: "numeric" });
  resamples.title = "Bootstrap resamples for the Sobol indices' 95 % intervals; default 100";
  const [acl, actor] = select("strat-actor", "Actor", sc.actors.map((a): [string, string] => [a.id, a.name]));
  const [ql, question] = select("strat-question", "Question", (sc.questions ?? []).map((q): [string, string] => [q.id, q.id]));
  const sweepOpts = h("span", { class: "options", "data-for": "sweep" }, swl, sweepOf, errs.note("options.analysis", sweepOf), shl, shards, errs.note("options.shards", shards));
  const simOpts = h("span", { class: "options", "data-for": "simulate" }, sdl, simDraws, errs.note("options.draws", simDraws),
    dsl, dist, errs.note("options.dist", dist), bnl, bins, errs.note("options.bins", bins));
  // Levels are Morris's; the sampler and resamples Sobol's.
  const morrisOpts = h("span", { class: "options", "data-for": "morris" }, lvl, levels, errs.note("options.levels", levels));
  const sobolOpts = h("span", { class: "options", "data-for": "sobol" }, spl, sampler, errs.note("options.sampler", sampler),
    rsl, resamples, errs.note("options.resamples", resamples));
  const sensOpts = h("span", { class: "options", "data-for": "sensitivity" }, mtl, method, errs.note("options.method", method),
    dl, draws, errs.note("options.draws", draws), morrisOpts, sobolOpts);
  const stratOpts = h("span", { class: "options", "data-for": "strategy" }, acl, actor, errs.note("options.actor", actor),
    ql, question, errs.note("options.question", question));
  const showOptions = () => {
    const inner = analysis.value === "sweep" ? sweepOf.value : analysis.value;
    sweepOpts.hidden = analysis.value !== "sweep";
    simOpts.hidden = inner !== "simulate";
    sensOpts.hidden = inner !== "sensitivity";
    morrisOpts.hidden = method.value !== "morris";
    sobolOpts.hidden = method.value !== "sobol";
    stratOpts.hidden = analysis.value !== "strategy";
    errs.clear();
  };
  analysis.addEventListener("change", showOptions);
  sweepOf.addEventListener("change", showOptions);
  method.addEventListener("change", showOptions);
  showOptions();
  const go = h("button", { type: "submit" }, "Run");
  const cancel = h("button", { type: "button", disabled: "" }, "Cancel");
  const prog = h("progress", { "aria-label": "run progress" });
  prog.hidden = true;
  // A sweep's shards done of K: kept after the run ends. The status line
  // (a live region) announces the same count.
  const shardsDone = h("span", { class: "note", id: "shards" });
  shardsDone.hidden = true;
  const out = h("div", { class: "results", id: "results" });
  // novalidate: the form's own checks and the server's refusals are shown
  // beside the field, in the same way, rather than the browser's bubble
  // (which would also keep a value such as 3 levels from the server).
  const form = h("form", { class: "controls", novalidate: "" }, ml, model, al, analysis, vl, variant, sweepOpts, simOpts, sensOpts, stratOpts, go, cancel, prog, shardsDone);
  const progress = (r: Run, ms: number) => {
    say(progressText(r, ms));
    if (!r.progress) return;
    prog.max = Math.max(r.progress.shards, 1);
    prog.value = r.progress.shards_done;
    shardsDone.textContent = shardsText(r);
    shardsDone.hidden = false;
  };
  let abort: AbortController | undefined;
  cancel.addEventListener("click", () => abort?.abort());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    chart.disposeAll();
    out.replaceChildren();
    abort = new AbortController();
    go.disabled = true;
    cancel.disabled = false;
    prog.removeAttribute("value"); // indeterminate until a sweep reports its shards
    prog.hidden = false;
    shardsDone.hidden = true;
    shardsDone.textContent = "";
    errs.clear();
    const sweeping = analysis.value === "sweep";
    try {
      // The options of simulate and sensitivity, alone or in a sweep: only
      // those of the method chosen (a Morris run takes no sampler).
      const simOptions = () => ({
        draws: wholeNumber(errs, "options.draws", simDraws, "Draws", sweeping ? 1e9 : 1e7),
        dist: dist.value,
        bins: optionalWhole(errs, "options.bins", bins, "Bins"),
      });
      const sensOptions = () => {
        const base = { method: method.value, draws: wholeNumber(errs, "options.draws", draws, "Draws", method.value === "sobol" ? 65536 : 10000) };
        return method.value === "sobol"
          ? { ...base, sampler: sampler.value, resamples: optionalWhole(errs, "options.resamples", resamples, "Resamples") }
          : { ...base, levels: optionalWhole(errs, "options.levels", levels, "Levels") };
      };
      let options: Record<string, unknown> | undefined;
      switch (analysis.value) {
        case "simulate":
          options = simOptions();
          break;
        case "compare":
          options = { draws: 500 };
          break;
        case "sensitivity":
          options = sensOptions();
          break;
        case "sweep": {
          const k = wholeNumber(errs, "options.shards", shards, "Shards", 256);
          options = { analysis: sweepOf.value, shards: k, ...(sweepOf.value === "sensitivity" ? sensOptions() : simOptions()) };
          break;
        }
        case "strategy":
          if (!actor.value || !question.value) {
            say("Strategy needs an actor and a question; this scenario has no questions.", true);
            return;
          }
          options = { actor: actor.value, question: question.value };
          break;
      }
      const req = { scenario: doc.id, version: doc.version, model: model.value, analysis: analysis.value, variant: analysis.value === "compare" ? undefined : variant.value || undefined, options };
      const run = await runAndWait(req, progress, abort.signal);
      if (run.status !== "done") {
        say(`Run ${run.status}${run.error ? ": " + run.error : ""}`, true);
        return;
      }
      say(`Done in ${(run.run_ms ?? 0).toFixed(0)} ms.`);
      showResult(out, run, sc);
    } catch (e) {
      if (e instanceof FieldInvalid) return; // shown beside its field
      say(explain(e, true), true);
      errs.fromProblem(e);
    } finally {
      go.disabled = false;
      cancel.disabled = true;
      prog.hidden = true;
    }
  });
  body.append(form, out);
}

function names(sc: Scenario): Record<string, string> {
  return Object.fromEntries(sc.actors.map((a) => [a.id, a.name]));
}

function showResult(out: HTMLElement, run: Run, sc: Scenario): void {
  if (run.analysis === "sweep") {
    // A sweep's merged result is the very document the one-job analysis
    // returns, so it is drawn by the same code.
    const kind = sweepKind(run);
    const k = run.progress?.shards ?? run.request?.options?.shards;
    out.append(h("p", { class: "note sweep", "data-kind": "sweep" }, `Sweep of ${kind}${k ? ` in ${k} shards` : ""}, merged: the same result as one ${kind} run with these options.`));
    showResult(out, { ...run, analysis: kind }, sc);
    return;
  }
  const r = run.result;
  const grid = h("div", { class: "charts" });
  out.append(grid);
  if (run.analysis === "model") {
    out.append(forecastTable(r));
    for (const iss of r.issues) {
      const el = h("div", { class: "chart", "data-issue": iss.id });
      grid.append(el);
      chart.positions(el, iss, names(sc), iss.name);
    }
  } else if (run.analysis === "simulate") {
    for (const iss of r.issues) {
      const el = h("div", { class: "chart", "data-kind": "distribution", "data-issue": iss.id });
      grid.append(el);
      chart.distribution(el, iss);
    }
    if (r.questions?.length) {
      const el = h("div", { class: "chart", "data-kind": "questions" });
      grid.append(el);
      chart.questions(el, r.questions.map((q: any) => q.id), ["probability"], [r.questions.map((q: any) => q.probability)]);
    }
  } else if (run.analysis === "leverage") {
    const el = h("div", { class: "chart tall", "data-kind": "leverage" });
    out.append(el);
    chart.leverage(el, r);
  } else if (run.analysis === "compare") {
    const qs = r.questions.map((q: any) => q.id);
    const vs = r.columns.map((c: any) => c.variant || "base");
    const vals = r.columns.map((c: any) => (c.simulation ? c.simulation.questions.map((q: any) => q.probability) : c.holds.map((x: boolean) => (x ? 1 : 0))));
    const el = h("div", { class: "chart", "data-kind": "questions" });
    grid.append(el);
    chart.questions(el, qs, vs, vals);
  } else if (run.analysis === "sensitivity") {
    showSensitivity(out, grid, r, sc);
  } else if (run.analysis === "strategy") {
    showStrategy(out, r, sc);
  } else {
    out.append(h("pre", {}, JSON.stringify(r, null, 2)));
  }
}

/** How many inputs the sensitivity tables and chart show per output. */
const topInputs = 8;

/** A readable name for an uncertain input: "Iran capability", "US salience on nuclear". */
function inputName(inp: any, sc: Scenario): string {
  const who = names(sc)[inp.actor] ?? inp.actor;
  const iss = inp.issue ? sc.issues.find((i) => i.id === inp.issue)?.name ?? inp.issue : "";
  return `${who} ${inp.field}${iss ? " on " + iss : ""}`;
}

function outputName(o: any, sc: Scenario): string {
  return o.kind === "issue" ? sc.issues.find((i) => i.id === o.id)?.name ?? o.id : `question ${o.id}`;
}

/** Sensitivity: per output, the top inputs ranked (the server orders them), with a bar chart of the leading measure. */
function showSensitivity(out: HTMLElement, grid: HTMLElement, r: any, sc: Scenario): void {
  const sobol = r.method === "sobol";
  const head = sobol ? ["#", "Input", "Path", "S1", "S1 95 %", "ST", "ST 95 %"] : ["#", "Input", "Path", "μ*", "μ", "σ"];
  const iv = (x: [number, number] | undefined) => (x ? `${chart.fmt(x[0])}–${chart.fmt(x[1])}` : "");
  out.append(h("p", { class: "note" }, sobol ? `Sobol indices from ${r.n} base rows (${r.sampler} sampler), ${r.evaluations} model runs; ranked by ST.`
    : `Morris screening with ${r.trajectories} trajectories on ${r.levels} levels, ${r.evaluations} model runs; ranked by μ* (outcome units per the input's whole range).`));
  for (const o of r.outputs) {
    const top = o.factors.slice(0, topInputs);
    const tb = h("tbody");
    top.forEach((f: any, i: number) => {
      const name = inputName(r.inputs[f.input], sc);
      const cells = sobol ? [f.s1, iv(f.s1_interval), f.st, iv(f.st_interval)] : [f.mu_star, f.mu, f.sigma];
      tb.append(h("tr", {}, h("td", { class: "num" }, String(i + 1)), h("td", {}, name), h("td", {}, h("code", {}, f.path)),
        ...cells.map((c) => h("td", { class: "num" }, typeof c === "string" ? c : chart.fmt(c)))));
    });
    const caption = `${outputName(o, sc)}: top ${top.length} of ${o.factors.length} inputs${sobol && o.mean != null ? ` (mean ${chart.fmt(o.mean)})` : ""}`;
    out.append(h("table", { class: "list sensitivity", "data-kind": "sensitivity", "data-output": `${o.kind}:${o.id}` }, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))), tb));
    if (o.kind === "issue") {
      const el = h("div", { class: "chart", "data-kind": "sensitivity", "data-issue": o.id });
      grid.append(el);
      chart.ranking(el, `${outputName(o, sc)}: ${sobol ? "total Sobol index ST" : "Morris μ*"}`,
        top.map((f: any) => inputName(r.inputs[f.input], sc)), top.map((f: any) => (sobol ? f.st : f.mu_star) ?? null));
    }
  }
}

/** Strategy: the question before and after, the moves, and the search path. */
function showStrategy(out: HTMLElement, r: any, sc: Scenario): void {
  const who = names(sc)[r.actor] ?? r.actor;
  const state = (s: any) => (r.mode === "probability" ? `${chart.fmt(s.probability)} probability` : s.holds ? "holds" : "does not hold") + ` (margin ${chart.fmt(s.margin)})`;
  out.append(h("p", { class: "note" }, `${who}, question ${r.question} (${r.when}): ${r.found ? "found" : "not found"}. ` +
    `Base: ${state(r.base)}; final: ${state(r.final)}. Cost ${chart.fmt(r.cost)}, ${r.evaluations} model runs.`));
  const mb = h("tbody");
  for (const m of r.moves ?? []) mb.append(h("tr", {}, h("td", {}, m.lever), h("td", { class: "num" }, chart.fmt(m.from)), h("td", { class: "num" }, chart.fmt(m.to))));
  if (!r.moves?.length) mb.append(h("tr", {}, h("td", { colspan: "3" }, "No change.")));
  out.append(h("table", { class: "list strategy", "data-kind": "strategy-moves" }, h("caption", {}, `Result: the changes of ${who}'s stance`),
    h("thead", {}, h("tr", {}, h("th", {}, "Lever"), h("th", {}, "From"), h("th", {}, "To"))), mb));
  const pb = h("tbody");
  (r.path ?? []).forEach((s: any, i: number) => pb.append(h("tr", {}, h("td", { class: "num" }, String(i + 1)), h("td", {}, s.phase), h("td", {}, s.lever ?? ""),
    h("td", { class: "num" }, chart.fmt(s.from)), h("td", { class: "num" }, chart.fmt(s.to)), h("td", { class: "num" }, chart.fmt(s.cost)),
    h("td", {}, r.mode === "probability" ? chart.fmt(s.probability) : s.holds ? "yes" : "no"), h("td", { class: "num" }, chart.fmt(s.margin)), h("td", {}, s.note))));
  out.append(h("table", { class: "list strategy", "data-kind": "strategy-path" }, h("caption", {}, "Search path"),
    h("thead", {}, h("tr", {}, ...["#", "Phase", "Lever", "From", "To", "Cost", r.mode === "probability" ? "Probability" : "Holds", "Margin", "Note"].map((x) => h("th", {}, x)))), pb));
}

function forecastTable(r: any): HTMLElement {
  const tb = h("tbody");
  for (const iss of r.issues) tb.append(h("tr", {}, h("td", {}, iss.name), h("td", { class: "num" }, chart.fmt(iss.forecast)), h("td", {}, iss.forecast_label ?? "")));
  const t = h("table", { class: "list forecast" }, h("caption", {}, `Forecast (${r.model}${r.variant ? ", " + r.variant : ""})`),
    h("thead", {}, h("tr", {}, h("th", {}, "Issue"), h("th", {}, "Forecast"), h("th", {}, "Meaning"))), tb);
  return t;
}

function compareView(body: HTMLElement, doc: ScenarioDocument): void {
  const sc = doc.scenario;
  const vs: [string, string][] = [["", "base"], ...(sc.variants ?? []).map((v): [string, string] => [v.id, v.id])];
  const [ml, model] = select("cmp-model", "Model", models!.map((m) => [m.name, m.name]), "eum");
  const [al, a] = select("variant-a", "Left", vs, "");
  const [bl, b] = select("variant-b", "Right", vs, vs[1]?.[0] ?? "");
  const [il, issue] = select("cmp-issue", "Issue", sc.issues.map((i) => [i.id, i.name]));
  const go = h("button", { type: "submit" }, "Compare");
  const panes = h("div", { class: "side-by-side", id: "compare" });
  const form = h("form", { class: "controls" }, ml, model, al, a, bl, b, il, issue, go);
  let results: (Run | undefined)[] = [];
  const draw = () => {
    chart.disposeAll();
    panes.replaceChildren();
    results.forEach((run, i) => {
      const pane = h("div", { class: "pane" });
      panes.append(pane);
      if (!run?.result) return;
      const label = [a, b][i].value || "base";
      const iss = run.result.issues.find((x: any) => x.id === issue.value);
      const el = h("div", { class: "chart", "data-variant": label });
      pane.append(el, forecastTable(run.result));
      if (iss) chart.positions(el, iss, names(sc), `${iss.name} — ${label}`);
    });
  };
  issue.addEventListener("change", draw);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    go.disabled = true;
    try {
      results = await Promise.all([a.value, b.value].map((v, i) =>
        runAndWait({ scenario: doc.id, version: doc.version, model: model.value, variant: v || undefined }, (r, ms) => say(`${i ? "right" : "left"} ${progressText(r, ms)}`))));
      const bad = results.find((r) => r?.status !== "done");
      if (bad) say(`Run ${bad.status}${bad.error ? ": " + bad.error : ""}`, true);
      else say("Both runs done.");
      draw();
    } catch (e) {
      say(explain(e, true), true);
    } finally {
      go.disabled = false;
    }
  });
  body.append(form, panes);
}

export type { ProblemDetail, Validation };
