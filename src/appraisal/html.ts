/**
 * Self-contained HTML for appraisal and study reports: inline CSS and inline SVG charts, no script and no network
 * access, so a report opens offline and prints as it shows.
 */

export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A page with a title, inline styles and the given body. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
td,th{padding:.2rem .6rem;border-bottom:1px solid #e6eaf0;text-align:right}th{background:#f3f5f8}
td:first-child,th:first-child{text-align:left}.note{color:#5a6675;font-size:.9rem}
svg text{font:11px system-ui,sans-serif;fill:#1d2733}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

/** An HTML table; cells are escaped. */
export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** Horizontal bar chart (negative values to the left of the axis). */
export function barChart(labels: readonly string[], values: readonly number[], options: { unit: string; width?: number; digits?: number } = { unit: "" }): string {
  const width = options.width ?? 640;
  const rowH = 18;
  const labelW = 170;
  const valueW = 80;
  const plotW = width - labelW - valueW;
  const max = Math.max(1e-12, ...values.map((v) => Math.abs(v)));
  const hasNeg = values.some((v) => v < 0);
  const zeroX = labelW + (hasNeg ? plotW / 2 : 0);
  const scale = (hasNeg ? plotW / 2 : plotW) / max;
  const h = rowH * labels.length + 10;
  const bars = labels
    .map((label, k) => {
      const v = values[k];
      const y = 5 + k * rowH;
      const w = Math.abs(v) * scale;
      const x = v >= 0 ? zeroX : zeroX - w;
      const color = v >= 0 ? "#2f6fb0" : "#c0504d";
      return `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(label)}</text><rect x="${x.toFixed(1)}" y="${y + 2}" width="${Math.max(0.5, w).toFixed(1)}" height="${rowH - 5}" fill="${color}"/><text x="${width - 4}" y="${y + 12}" text-anchor="end">${esc(v.toFixed(options.digits ?? 2))}${esc(options.unit)}</text>`;
    })
    .join("");
  return `<svg width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img"><line x1="${zeroX}" y1="0" x2="${zeroX}" y2="${h}" stroke="#8a96a3"/>${bars}</svg>`;
}

/** Vertical bars per year: positive (benefits) up, negative (costs) down. */
export function yearBars(years: readonly number[], up: readonly number[], down: readonly number[], options: { width?: number; unit: string }): string {
  const width = options.width ?? 900;
  const height = 220;
  const pad = 30;
  const n = years.length;
  const barW = (width - 2 * pad) / Math.max(1, n);
  const max = Math.max(1e-12, ...up.map(Math.abs), ...down.map(Math.abs));
  const mid = height / 2;
  const scale = (mid - 15) / max;
  let out = `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"><line x1="${pad}" y1="${mid}" x2="${width - pad}" y2="${mid}" stroke="#8a96a3"/>`;
  for (let k = 0; k < n; k++) {
    const x = pad + k * barW;
    const hu = Math.abs(up[k]) * scale;
    const hd = Math.abs(down[k]) * scale;
    out += `<rect x="${(x + 1).toFixed(1)}" y="${(mid - hu).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${hu.toFixed(1)}" fill="#2f6fb0"><title>${years[k]}: ${up[k].toFixed(0)}</title></rect>`;
    out += `<rect x="${(x + 1).toFixed(1)}" y="${mid.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${hd.toFixed(1)}" fill="#c0504d"><title>${years[k]}: −${down[k].toFixed(0)}</title></rect>`;
    if (k % 5 === 0) out += `<text x="${(x + barW / 2).toFixed(1)}" y="${height - 3}" text-anchor="middle">${years[k]}</text>`;
  }
  out += `<text x="${pad}" y="12">benefits (blue, up) and costs (red, down), ${esc(options.unit)}</text></svg>`;
  return out;
}
