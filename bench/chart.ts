/**
 * Latency per endpoint as a plain SVG string (no library, so it renders on
 * GitHub and in any browser): one horizontal bar per endpoint up to its p50,
 * a whisker on to its p99, on a log scale because endpoints span from about a
 * millisecond (hello-world) to hundreds (login's PBKDF2), and a dashed line
 * at the hello-world p50 so every bar reads against the baseline.
 */

export interface LatencyRow {
  name: string;
  p50_ms: number;
  p99_ms: number;
}

const COLORS: Record<string, string> = {
  auth: "#4e79a7",
  search: "#59a14f",
  checkout: "#e15759",
};
const GREY = "#9aa0a6";

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const fmt = (ms: number) => (ms >= 10 ? ms.toFixed(0) : ms.toFixed(1));

/** The 1-2-5 steps (…, 0.5, 1, 2, 5, 10, …) from below `lo` to above `hi`. */
function steps(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(lo)); decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) out.push(Number((decade * m).toPrecision(1)));
  }
  return out;
}

/** The chart; `hello` is the baseline row, drawn first, in grey, with its reference line. */
export function latencyChart(
  rows: LatencyRow[],
  hello: LatencyRow,
  title = "Latency per endpoint (p50 bar, p99 whisker)",
): string {
  const all = [hello, ...rows];
  const labelW = 300, plotW = 560, rowH = 30, top = 84, right = 110;
  const width = labelW + plotW + right;
  const height = top + all.length * rowH + 56;
  // Round axis ends: a step at most half the shortest p50 (so even the
  // baseline's bar shows), and the first step above the longest p99.
  const minP50 = Math.min(...all.map((r) => r.p50_ms));
  const maxP99 = Math.max(...all.map((r) => r.p99_ms));
  const candidates = steps(minP50 / 20, maxP99 * 10);
  const lo = candidates.filter((t) => t <= minP50 / 2).at(-1)!;
  const hi = candidates.find((t) => t >= maxP99)!;
  const x = (ms: number) =>
    labelW + (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / Math.log10(hi / lo) * plotW;
  const bottom = top + all.length * rowH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">` +
    `${esc(title)}</text>`,
  ];
  // Legend: one swatch per service, then the whisker and the baseline line.
  let lx = labelW;
  for (const [service, color] of Object.entries(COLORS)) {
    out.push(
      `<rect x="${lx}" y="40" width="12" height="12" fill="${color}"/>`,
      `<text x="${lx + 16}" y="50">${service}</text>`,
    );
    lx += 90;
  }
  out.push(
    `<line x1="${lx}" y1="46" x2="${lx + 24}" y2="46" stroke="#333" stroke-width="1.5"/>`,
    `<line x1="${lx + 24}" y1="40" x2="${lx + 24}" y2="52" stroke="#333" stroke-width="1.5"/>`,
    `<text x="${lx + 30}" y="50">p99</text>`,
  );

  // Grid and axis.
  for (const t of steps(lo, hi).filter((t) => t >= lo && t <= hi)) {
    const major = Number.isInteger(Math.log10(t));
    out.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${bottom}" ` +
        `stroke="${major ? "#ccc" : "#eee"}"/>`,
      `<text x="${x(t)}" y="${bottom + 18}" text-anchor="middle" fill="#333">${t}</text>`,
    );
  }
  out.push(
    `<line x1="${labelW}" y1="${bottom}" x2="${labelW + plotW}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${labelW + plotW / 2}" y="${bottom + 40}" text-anchor="middle" fill="#333">` +
      `milliseconds, log scale (labels: p50 / p99)</text>`,
  );

  all.forEach((r, i) => {
    const y = top + i * rowH;
    const mid = y + rowH / 2;
    const service = r.name.match(/\/(auth|search|checkout)\b/)?.[1];
    const color = r === hello ? GREY : COLORS[service ?? ""] ?? GREY;
    const x50 = x(r.p50_ms), x99 = x(r.p99_ms);
    out.push(
      `<text x="${labelW - 8}" y="${mid + 4}" text-anchor="end">${esc(r.name)}</text>`,
      `<rect x="${labelW}" y="${y + 6}" width="${Math.max(1, x50 - labelW)}" ` +
        `height="${rowH - 12}" fill="${color}"/>`,
      `<line x1="${x50}" y1="${mid}" x2="${x99}" y2="${mid}" stroke="#333" stroke-width="1.5"/>`,
      `<line x1="${x99}" y1="${y + 9}" x2="${x99}" y2="${y + rowH - 9}" stroke="#333" ` +
        `stroke-width="1.5"/>`,
      `<text x="${x99 + 6}" y="${mid + 4}" fill="#333" font-size="12">` +
        `${fmt(r.p50_ms)} / ${fmt(r.p99_ms)} ms</text>`,
    );
  });
  // The baseline across every row, drawn last so bars do not hide it.
  const xh = x(hello.p50_ms);
  out.push(
    `<line x1="${xh}" y1="${top - 4}" x2="${xh}" y2="${bottom}" stroke="#555" ` +
      `stroke-dasharray="4 3"/>`,
    `<text x="${xh + 4}" y="${top - 8}" fill="#555" font-size="11">hello-world p50</text>`,
    `</svg>`,
  );
  return out.join("\n");
}
