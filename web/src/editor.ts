// A plain-textarea editor with a line-number gutter and live validation:
// the document is sent to POST /api/v1/validate as the user types, and
// each error is listed with its line and column; choosing one puts the
// cursor there.
import { APIError, call } from "./api";
import type { ProblemDetail, Validation } from "./api";

let seq = 0;

export class Editor {
  root: HTMLElement;
  private ta: HTMLTextAreaElement;
  private gutter: HTMLElement;
  private list: HTMLElement;
  private summary: HTMLElement;
  private timer = 0;
  private latest = 0;

  constructor(text: string) {
    const id = `editor-${++seq}`;
    this.root = document.createElement("div");
    this.root.className = "editor";
    this.root.innerHTML = `
      <label for="${id}" class="sr-only">Scenario document</label>
      <div class="code">
        <pre class="gutter" aria-hidden="true"></pre>
        <textarea id="${id}" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off"></textarea>
      </div>
      <div class="diagnostics">
        <p class="summary" aria-live="polite"></p>
        <ul class="problems" aria-label="Problems"></ul>
      </div>`;
    this.ta = this.root.querySelector("textarea")!;
    this.gutter = this.root.querySelector(".gutter")!;
    this.list = this.root.querySelector(".problems")!;
    this.summary = this.root.querySelector(".summary")!;
    this.ta.value = text;
    this.ta.addEventListener("input", () => {
      this.numberLines();
      this.schedule();
    });
    this.ta.addEventListener("scroll", () => (this.gutter.scrollTop = this.ta.scrollTop));
    this.ta.addEventListener("keydown", (ev) => {
      // Tab indents by two spaces; Escape then Tab leaves the editor.
      if (ev.key === "Tab" && !ev.shiftKey && !this.escaped) {
        ev.preventDefault();
        this.ta.setRangeText("  ", this.ta.selectionStart, this.ta.selectionEnd, "end");
        this.schedule();
      }
      this.escaped = ev.key === "Escape";
    });
    this.numberLines();
    void this.validate();
  }
  private escaped = false;

  get value(): string {
    return this.ta.value;
  }

  focus(): void {
    this.ta.focus();
  }

  private numberLines(): void {
    const n = this.ta.value.split("\n").length;
    let s = "";
    for (let i = 1; i <= n; i++) s += i + "\n";
    this.gutter.textContent = s;
    this.gutter.scrollTop = this.ta.scrollTop;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.validate(), 350);
  }

  async validate(): Promise<void> {
    const mine = ++this.latest;
    const text = this.ta.value;
    try {
      const v = await call<Validation>("POST", "/validate", text, text.trimStart().startsWith("{") ? "application/json" : "application/yaml");
      if (mine !== this.latest) return;
      this.show([], v.warnings ?? []);
    } catch (e) {
      if (mine !== this.latest) return;
      this.showProblem(e);
    }
  }

  showProblem(e: unknown): void {
    if (e instanceof APIError && e.problem.errors?.length) {
      this.show(e.problem.errors, []);
    } else {
      this.summary.textContent = e instanceof Error ? e.message : String(e);
      this.summary.className = "summary bad";
      this.list.replaceChildren();
    }
  }

  private show(errors: ProblemDetail[], warnings: ProblemDetail[]): void {
    this.summary.textContent = errors.length
      ? `${errors.length} error${errors.length > 1 ? "s" : ""}`
      : `Valid${warnings.length ? `, ${warnings.length} warning${warnings.length > 1 ? "s" : ""}` : ""}`;
    this.summary.className = "summary " + (errors.length ? "bad" : "good");
    this.ta.setAttribute("aria-invalid", errors.length ? "true" : "false");
    this.list.replaceChildren(
      ...[...errors.map((d) => [d, "error"] as const), ...warnings.map((d) => [d, "warning"] as const)].map(([d, kind]) => {
        const li = document.createElement("li");
        li.className = kind;
        const b = document.createElement("button");
        b.type = "button";
        const where = d.line ? `${d.line}:${d.col ?? 1}` : "";
        b.textContent = `${where ? where + " " : ""}${kind}: ${d.message}${d.location && d.location !== "body" ? " (" + d.location.replace(/^body\.?/, "") + ")" : ""}`;
        b.dataset.line = String(d.line ?? "");
        b.dataset.col = String(d.col ?? "");
        b.addEventListener("click", () => this.jump(d.line ?? 1, d.col ?? 1));
        li.append(b);
        return li;
      }),
    );
  }

  /** Put the cursor at line:col (1-based) and scroll it into view. */
  jump(line: number, col: number): void {
    const lines = this.ta.value.split("\n");
    let off = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) off += lines[i].length + 1;
    const len = lines[line - 1]?.length ?? 0;
    off += Math.min(col - 1, len);
    this.ta.focus();
    this.ta.setSelectionRange(off, Math.min(off + Math.max(1, len - col + 1), off + 40));
    const lh = parseFloat(getComputedStyle(this.ta).lineHeight) || 18;
    this.ta.scrollTop = Math.max(0, (line - 4) * lh);
  }
}
