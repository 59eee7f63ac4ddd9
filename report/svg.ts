/**
 * Small chart functions of our own that return inline SVG text: no library, no script, so the
 * report reads in any browser (and prints). Every chart has a `<title>` and an aria label,
 * and every bar a `<title>` tooltip with its exact figure.
 */

/** Escapes text for HTML and SVG (element content and attribute values). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

function r1(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** One bar of a horizontal bar chart. */
export interface Bar {
  label: string;
  value: number;
  /** Text after the bar (default: the value). */
  valueText?: string;
  color?: string;
  /** Tooltip (default: label and value text). */
  title?: string;
}

/**
 * Horizontal bars, one row each: label on the left, bar, value on the right. Bars scale to
 * the largest value; a zero stays an empty row.
 */
export function barChart(title: string, bars: readonly Bar[], opts: { width?: number; labelWidth?: number; color?: string } = {}): string {
  const width = opts.width ?? 900;
  const labelWidth = opts.labelWidth ?? 220;
  const valueWidth = 110;
  const row = 24;
  const height = Math.max(row, bars.length * row) + 8;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * row;
      const w = max > 0 ? Math.max(b.value > 0 ? 2 : 0, (b.value / max) * plot) : 0;
      const text = b.valueText ?? String(b.value);
      const label = b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label;
      return (
        `<g><title>${esc(b.title ?? `${b.label}: ${text}`)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" class="lbl">${esc(label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${r1(w)}" height="${row - 8}" rx="2" fill="${b.color ?? opts.color ?? "#3f6fb5"}"/>` +
        `<text x="${r1(labelWidth + w + 6)}" y="${y + 16}" class="val">${esc(text)}</text></g>`
      );
    })
    .join("");
  return svg(title, width, height, rows);
}

/** One part of a stacked (100 %) bar. */
export interface Segment {
  label: string;
  value: number;
  color: string;
  valueText?: string;
}

/** One horizontal bar split into parts by share, with a legend under it. */
export function stackedBar(title: string, parts: readonly Segment[], opts: { width?: number } = {}): string {
  const width = opts.width ?? 820;
  const barH = 28;
  const total = parts.reduce((s, p) => s + Math.max(0, p.value), 0);
  let x = 0;
  const rects = parts
    .map((p) => {
      const w = total > 0 ? (Math.max(0, p.value) / total) * width : 0;
      const pct = total > 0 ? (p.value / total) * 100 : 0;
      const out =
        w > 0
          ? `<rect x="${r1(x)}" y="0" width="${r1(w)}" height="${barH}" fill="${p.color}"><title>${esc(`${p.label}: ${p.valueText ?? p.value} (${pct.toFixed(1)}%)`)}</title></rect>`
          : "";
      x += w;
      return out;
    })
    .join("");
  const empty = total === 0 ? `<rect x="0" y="0" width="${width}" height="${barH}" fill="#e6e6e6"/>` : "";
  const legend = legendRow(parts.map((p) => ({ label: `${p.label} ${p.valueText ?? p.value}`, color: p.color })), barH + 10, width);
  return svg(title, width, barH + 34, empty + rects + legend);
}

/** One column of a stacked column chart. */
export interface Column {
  label: string;
  stacks: readonly { name: string; value: number; color: string }[];
}

/**
 * Stacked columns (one per period), a light grid with round tick values, the first and last
 * labels and every nth between them under the axis, and a legend.
 */
export function columnChart(title: string, columns: readonly Column[], opts: { width?: number; height?: number } = {}): string {
  const width = opts.width ?? 1000;
  const height = opts.height ?? 240;
  const left = 44;
  const bottom = 52;
  const top = 8;
  const plotH = height - bottom - top;
  const plotW = width - left - 8;
  const totals = columns.map((c) => c.stacks.reduce((s, x) => s + Math.max(0, x.value), 0));
  // Whole-number ticks at a round step (1, 2, 2.5, 5 × 10^k), four or five of them.
  const step = Math.max(1, niceCeil(Math.max(1, ...totals) / 4));
  const intStep = Number.isInteger(step) ? step : Math.ceil(step);
  const max = intStep * Math.max(1, Math.ceil(Math.max(1, ...totals) / intStep));
  const slot = columns.length > 0 ? plotW / columns.length : plotW;
  const barW = Math.max(1, Math.min(40, slot * 0.7));
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += intStep) ticks.push(t);
  const grid = ticks
    .map((t) => {
      const y = top + plotH - (t / max) * plotH;
      return `<line x1="${left}" x2="${width - 8}" y1="${r1(y)}" y2="${r1(y)}" class="grid"/><text x="${left - 6}" y="${r1(y + 4)}" text-anchor="end" class="tick">${t.toLocaleString("en-US")}</text>`;
    })
    .join("");
  const every = Math.max(1, Math.ceil(columns.length / 8));
  const bars = columns
    .map((c, i) => {
      const x = left + i * slot + (slot - barW) / 2;
      let y = top + plotH;
      const parts = c.stacks
        .map((s) => {
          const h = (Math.max(0, s.value) / max) * plotH;
          y -= h;
          return h > 0 ? `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(barW)}" height="${r1(h)}" fill="${s.color}"/>` : "";
        })
        .join("");
      const tip = `${c.label}: ${c.stacks.map((s) => `${s.name} ${s.value.toLocaleString("en-US")}`).join(", ")}`;
      const showLabel = i % every === 0 || i === columns.length - 1;
      const label = showLabel
        ? `<text x="${r1(x + barW / 2)}" y="${top + plotH + 14}" text-anchor="middle" class="tick">${esc(c.label)}</text>`
        : "";
      return `<g><title>${esc(tip)}</title>${parts}</g>${label}`;
    })
    .join("");
  const names = new Map<string, string>();
  for (const c of columns) for (const s of c.stacks) if (!names.has(s.name)) names.set(s.name, s.color);
  const legend = legendRow([...names].map(([label, color]) => ({ label, color })), height - 18, width);
  return svg(title, width, height, grid + `<line x1="${left}" x2="${width - 8}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>` + bars + legend);
}

/** A ring showing one share (0–1), with the percentage in the middle. */
export function ring(title: string, share: number | null, opts: { size?: number; color?: string } = {}): string {
  const size = opts.size ?? 120;
  const r = size / 2 - 10;
  const c = 2 * Math.PI * r;
  const s = share === null ? 0 : Math.min(1, Math.max(0, share));
  const text = share === null ? "n/a" : `${(s * 100).toFixed(1)}%`;
  const body =
    `<circle cx="${size / 2}" cy="${size / 2}" r="${r1(r)}" fill="none" stroke="#e6e6e6" stroke-width="14"/>` +
    `<circle cx="${size / 2}" cy="${size / 2}" r="${r1(r)}" fill="none" stroke="${opts.color ?? "#2e7d32"}" stroke-width="14" stroke-dasharray="${r1(c * s)} ${r1(c)}" transform="rotate(-90 ${size / 2} ${size / 2})"/>` +
    `<text x="${size / 2}" y="${size / 2 + 6}" text-anchor="middle" class="ringtxt">${esc(text)}</text>`;
  return svg(title, size, size, body);
}

function legendRow(items: readonly { label: string; color: string }[], y: number, width: number): string {
  let x = 0;
  const out: string[] = [];
  for (const it of items) {
    const w = 22 + it.label.length * 7;
    if (x + w > width) break;
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" rx="2" fill="${it.color}"/><text x="${x + 16}" y="${y + 11}" class="lg">${esc(it.label)}</text>`);
    x += w + 12;
  }
  return out.join("");
}

function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

let chartSeq = 0;

function svg(title: string, width: number, height: number, body: string): string {
  const id = `c${++chartSeq}`;
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}">${esc(title)}</title>${body}</svg>`
  );
}

/** Restarts chart ids (each report numbers its charts from 1, so output is reproducible). */
export function resetChartIds(): void {
  chartSeq = 0;
}
