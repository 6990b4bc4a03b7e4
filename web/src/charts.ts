// Charts drawn with a tree-shaken subset of Apache ECharts: only the
// chart kinds and components used here are bundled.
import * as echarts from "echarts/core";
import { BarChart, GraphChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { Scenario } from "./api";

echarts.use([LineChart, BarChart, HeatmapChart, GraphChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const charts = new Set<echarts.ECharts>();
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

function mount(el: HTMLElement, option: echarts.EChartsCoreOption, label: string): echarts.ECharts {
  echarts.getInstanceByDom(el)?.dispose();
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", label);
  const c = echarts.init(el, undefined, { renderer: "canvas" });
  c.setOption({ animation: false, ...option });
  charts.add(c);
  return c;
}

export function disposeAll(): void {
  charts.forEach((c) => c.dispose());
  charts.clear();
}

interface RoundRow {
  round: number;
  positions: Record<string, number | null>;
}
interface ResultIssue {
  id: string;
  name: string;
  forecast: number | null;
  rounds: RoundRow[];
}

/** Positions over rounds on one issue, one line per actor. */
// An actor keeps its colour in every chart (and both sides of a
// comparison): the colour is chosen by the actor's place in the scenario.
const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354"];
export function actorColour(i: number): string {
  return palette[i % palette.length];
}

export function positions(el: HTMLElement, issue: ResultIssue, names: Record<string, string>, title: string): void {
  const present = new Set<string>();
  issue.rounds.forEach((r) => Object.keys(r.positions).forEach((a) => present.add(a)));
  const order = Object.keys(names);
  const actors = [...present].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const series = actors.map((a) => ({
    name: names[a] ?? a,
    type: "line",
    symbolSize: 4,
    showSymbol: issue.rounds.length < 30,
    itemStyle: { color: actorColour(order.indexOf(a)) },
    lineStyle: { width: 2 },
    data: issue.rounds.map((r) => [r.round, r.positions[a] ?? null]),
  }));
  mount(el, {
    title: { text: title, subtext: `position by round · forecast ${fmt(issue.forecast)}`, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 44, right: 48, top: 60, bottom: 56 },
    xAxis: { type: "value", name: "round", minInterval: 1 },
    yAxis: { type: "value", scale: true },
    series,
  }, `${title}: positions over rounds, one line per actor; forecast ${fmt(issue.forecast)}`);
}

interface SimIssue {
  id: string;
  name: string;
  mean: number;
  histogram: { lo: number; hi: number; counts: number[] };
}

/** An outcome distribution: the histogram of one issue's simulated outcomes. */
export function distribution(el: HTMLElement, issue: SimIssue): void {
  const h = issue.histogram;
  const w = (h.hi - h.lo) / h.counts.length;
  const total = h.counts.reduce((a, b) => a + b, 0) || 1;
  mount(el, {
    title: { text: issue.name, subtext: `share of draws by outcome · mean ${fmt(issue.mean)}`, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    grid: { left: 44, right: 56, top: 60, bottom: 32 },
    xAxis: { type: "category", data: h.counts.map((_, i) => fmt(h.lo + i * w)), name: "outcome" },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [{ type: "bar", data: h.counts.map((c) => c / total), barCategoryGap: "5%" }],
  }, `${issue.name}: distribution of simulated outcomes, mean ${fmt(issue.mean)}`);
}

/** Question probabilities (or holds, 0/1) per variant: grouped bars. */
export function questions(el: HTMLElement, qs: string[], variants: string[], values: (number | null)[][]): void {
  mount(el, {
    title: { text: "Questions by variant", subtext: "probability (0 or 1 without simulation)", left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 44, right: 16, top: 60, bottom: 56 },
    xAxis: { type: "category", data: qs },
    yAxis: { type: "value", min: 0, max: 1 },
    series: variants.map((v, i) => ({ name: v, type: "bar", data: values[i] })),
  }, "Question probabilities per variant");
}

/** A ranking: horizontal bars, the first name at the top. */
export function ranking(el: HTMLElement, title: string, labels: string[], values: (number | null)[]): void {
  mount(el, {
    title: { text: title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
    xAxis: { type: "value", min: 0 },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
    series: [{ type: "bar", data: values }],
  }, `${title}: ${labels.map((l, i) => `${l} ${fmt(values[i])}`).join(", ")}`);
}

/** The leverage matrix: issues × actors, coloured by leverage. */
export function leverage(el: HTMLElement, result: any): void {
  const actors: string[] = result.actors.map((a: any) => a.id);
  const names: string[] = result.actors.map((a: any) => a.name ?? a.id);
  const issues = result.issues.map((i: any) => i.name ?? i.id);
  const data: [number, number, number][] = [];
  let max = 0;
  result.issues.forEach((iss: any, y: number) =>
    iss.actors.forEach((e: any) => {
      const x = actors.indexOf(e.actor);
      if (x >= 0 && e.leverage != null) {
        data.push([x, y, e.leverage]);
        max = Math.max(max, Math.abs(e.leverage));
      }
    }),
  );
  mount(el, {
    title: { text: "Leverage", left: 0, textStyle: { fontSize: 14 } },
    tooltip: { position: "top", formatter: (p: any) => `${names[p.value[0]]} on ${issues[p.value[1]]}: ${fmt(p.value[2])}` },
    grid: { left: 150, right: 16, top: 40, bottom: 90 },
    xAxis: { type: "category", data: actors, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: "category", data: issues },
    visualMap: { min: 0, max: Number((max || 1).toPrecision(2)), calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120 },
    series: [{ type: "heatmap", data, label: { show: true, formatter: (p: any) => fmt(p.value[2]) } }],
  }, "Leverage of each actor on each issue");
}

/** The actor network: relations (ally, rival, leverage) as a force graph. */
export function network(el: HTMLElement, sc: Scenario): void {
  const colours: Record<string, string> = { ally: "#2a7d2a", rival: "#b3261e", leverage: "#1f5fa8" };
  mount(el, {
    title: { text: "Actor network", subtext: "green: ally · red, dashed: rival · blue, arrow: leverage · width: strength", left: 0, textStyle: { fontSize: 14 } },
    tooltip: {},
    series: [{
      type: "graph",
      layout: "force",
      roam: true,
      draggable: true,
      force: { repulsion: 900, edgeLength: [80, 220], gravity: 0.08 },
      label: { show: true, position: "right" },
      data: sc.actors.map((a, i) => ({ id: a.id, name: a.name, symbolSize: 16, itemStyle: { color: actorColour(i) } })),
      edgeSymbol: ["none", "arrow"],
      links: (sc.relations ?? []).map((r) => ({
        source: r.from, target: r.to, value: r.strength,
        lineStyle: { color: colours[r.kind] ?? "#888", width: 1 + 4 * r.strength, opacity: 0.85, type: r.kind === "rival" ? "dashed" : "solid" },
        symbol: r.kind === "leverage" ? ["none", "arrow"] : ["none", "none"],
      })),
    }],
  }, "Actor network: allies, rivals and leverage");
}

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
}
