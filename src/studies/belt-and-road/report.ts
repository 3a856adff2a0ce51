/**
 * Outputs of the Belt and Road study: the JSON shape of the issue, a text summary, CSV tables and a self-contained
 * HTML report (inline SVG, no script, no network).
 */
import { isAbsolute, relative } from "node:path";
import { packageInfo } from "../../core/package";
import { barChart, esc, htmlTable, page } from "../../appraisal/index";
import type { GroupResult, StudyResult } from "./study";

const f = (x: number | null, d = 2): string => (x === null ? "n/a" : x.toFixed(d));

function publishedText(g: GroupResult, metric: string): string {
  const p = g.published.find((x) => x.metric === metric);
  if (!p) return "";
  return p.lowPct === p.highPct ? `${p.lowPct}` : `${p.lowPct} to ${p.highPct}`;
}

/** The `--json` document: the issue's shape plus the study's context. */
export function studyJson(r: StudyResult): unknown {
  return {
    variants: r.variants.map((v) => ({
      name: v.name,
      groups: v.groups.map((g) => ({
        name: g.name,
        timeChangePct: g.timeChangePct,
        timeChangeLandSeaPct: g.timeChangeLandSeaPct,
        tradeCostChangePct: g.tradeCostChangePct,
        tradeChangePct: g.tradeChangePct,
        realIncomeChangePct: g.realIncomeChangePct,
        coveredTradeShare: g.coveredTradeShare,
        members: g.members,
        published: g.published,
      })),
      economies: v.economies,
      ge: v.ge,
    })),
    network: r.network,
    trade: r.trade,
    parameters: r.parameters,
    seedFigures: r.seedFigures,
    kazakhTransit: r.kazakhTransit === null ? null : { demandFile: r.kazakhTransit.demandFile, baselineT: r.kazakhTransit.baselineT, variants: r.kazakhTransit.variants },
    timingsMs: r.timings,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  return rows.map((row) => row.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  ")).join("\n");
}

/** A path inside the package as written from its root (data/appraisal/...), others as given. */
function shortPath(file: string): string {
  const rel = relative(packageInfo().root, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/** Text summary. */
export function formatStudy(r: StudyResult): string {
  const lines: string[] = [];
  lines.push(
    `Belt and Road study: ${r.network.cities} cities in ${r.network.economies} economies of the network, ${r.network.economiesConnected} of them connected to another; ${r.network.briProjects.length} Belt and Road projects switched on`,
  );
  lines.push(
    `trade: ${r.trade.file}, ${r.trade.economies} economies${r.trade.restOfWorld.length > 0 ? ` (ROW = ${r.trade.restOfWorld.length} economies)` : ""}; domestic flows from GDP for ${r.trade.domesticFromGdp}${r.trade.gdpFile ? ` (${r.trade.gdpFile}, ${r.trade.gdpYear})` : ""}`,
  );
  lines.push(
    `pair times: ${r.parameters.pairTimes === "mode-share" ? `expected over the modes shippers use (observed value shares by lane from ${shortPath(r.parameters.modeShares ?? "")}; other lanes: the mode of least generalized cost${r.parameters.costBasis === "rates" ? `, money cost on the rate layers of ${r.parameters.ratesMonth}` : ""})` : "the fastest route's time"}`,
  );
  if (r.parameters.rulesOff.length > 0) lines.push(`rules of passage off (in every state): ${r.parameters.rulesOff.join(", ")}`);
  lines.push(`GE: σ = ${r.parameters.sigma}, ${r.parameters.imbalances} imbalances; time cost ${r.parameters.pctPerDay !== null ? `${r.parameters.pctPerDay} %/day` : `per sector (${r.parameters.timeCosts})`}`);
  for (const v of r.variants) {
    lines.push("");
    lines.push(`variant ${v.name} (changes in %; published ranges of de Soyres et al. 2018 and World Bank 2019 in brackets)`);
    const rows = [["group", "economies", "time", "time land+sea", "trade cost", "trade", "real income", "covered"]];
    for (const g of v.groups) {
      const pub = (m: string, x: string): string => (publishedText(g, m) ? `${x} [${publishedText(g, m)}]` : x);
      rows.push([
        g.name,
        String(g.members.length),
        pub("timeChangePct", f(g.timeChangePct)),
        f(g.timeChangeLandSeaPct),
        pub("tradeCostChangePct", f(g.tradeCostChangePct)),
        pub("tradeChangePct", f(g.tradeChangePct)),
        pub("realIncomeChangePct", f(g.realIncomeChangePct, 3)),
        `${(100 * g.coveredTradeShare).toFixed(0)} %`,
      ]);
    }
    lines.push(table(rows));
    const top = [...v.economies].filter((e) => e.timeChangePct !== null).sort((a, b) => (a.timeChangePct ?? 0) - (b.timeChangePct ?? 0)).slice(0, 8);
    if (top.length > 0) {
      lines.push(`largest time reductions: ${top.map((e) => `${e.country} ${f(e.timeChangePct)} % (income ${f(e.realIncomeChangePct, 3)} %)`).join("; ")}`);
    }
  }
  lines.push("");
  lines.push("seed figures (published → from the trade file and the model):");
  for (const s of r.seedFigures) lines.push(`  ${s.figure}: ${s.published} → ${s.fromData}`);
  return `${lines.join("\n")}\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Country-pair shipment times of every variant against the baseline, for all modes and for land and sea: one row per
 * ordered pair of economies with a time in both states (domestic pairs included, as the cost changes use them).
 */
function pairsCsv(r: StudyResult): string {
  const rows = ["variant,modes,exporter,importer,baselineTimeH,variantTimeH,timeChangePct"];
  for (const v of r.variants) {
    for (const [modes, t] of [["all", v.times], ["land-sea", v.timesLandSea]] as const) {
      const c = t.cities.countries;
      const k = c.length;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const tb = t.baselineTimeH[a * k + b];
          const ts = t.scenarioTimeH[a * k + b];
          if (Number.isNaN(tb) || Number.isNaN(ts)) continue;
          rows.push([v.name, modes, c[a], c[b], tb, ts, tb > 0 ? (100 * (ts - tb)) / tb : 0].map(csvCell).join(","));
        }
      }
    }
  }
  return `${rows.join("\n")}\n`;
}

/** CSV tables: economies.csv, groups.csv and pairs.csv (every variant). */
export function studyCsv(r: StudyResult): { economies: string; groups: string; pairs: string } {
  const e = ["variant,country,reached,timeChangePct,timeChangeLandSeaPct,tradeCostChangePct,exportsChangePct,importsChangePct,realIncomeChangePct,realGdpChangePct"];
  const g = ["variant,group,economies,timeChangePct,timeChangeLandSeaPct,tradeCostChangePct,tradeChangePct,realIncomeChangePct,coveredTradeShare"];
  for (const v of r.variants) {
    for (const x of v.economies) {
      e.push(
        [v.name, x.country, x.reached, x.timeChangePct, x.timeChangeLandSeaPct, x.tradeCostChangePct, x.exportsChangePct, x.importsChangePct, x.realIncomeChangePct, x.realGdpChangePct].map(csvCell).join(","),
      );
    }
    for (const x of v.groups) g.push([v.name, x.name, x.members.length, x.timeChangePct, x.timeChangeLandSeaPct, x.tradeCostChangePct, x.tradeChangePct, x.realIncomeChangePct, x.coveredTradeShare].map(csvCell).join(","));
  }
  return { economies: `${e.join("\n")}\n`, groups: `${g.join("\n")}\n`, pairs: pairsCsv(r) };
}

/** Self-contained HTML report. */
export function studyHtml(r: StudyResult): string {
  // the summary's first block: network, trade, pair times, rules of passage off (when any), GE
  let body = `<p class="note">${esc(formatStudy(r).split("\n\n")[0].split("\n").join(" · "))}</p>`;
  body += `<p class="note">Method: docs/belt-and-road.md. Published ranges: de Soyres, Mulabdic, Murray, Rocha &amp; Ruta (2018, World Bank PRWP 8614); World Bank (2019) Belt and Road Economics; Maliszewska &amp; van der Mensbrugghe (2019, PRWP 8814).</p>`;
  for (const v of r.variants) {
    body += `<h2>Variant: ${esc(v.name)}</h2>`;
    body += htmlTable(
      ["group", "economies", "time %", "published", "trade cost %", "published", "trade %", "published", "real income %", "published"],
      v.groups.map((g) => [
        g.name,
        String(g.members.length),
        f(g.timeChangePct),
        publishedText(g, "timeChangePct"),
        f(g.tradeCostChangePct),
        publishedText(g, "tradeCostChangePct"),
        f(g.tradeChangePct),
        publishedText(g, "tradeChangePct"),
        f(g.realIncomeChangePct, 3),
        publishedText(g, "realIncomeChangePct"),
      ]),
    );
    const reached = v.economies.filter((e) => e.timeChangePct !== null).sort((a, b) => (a.timeChangePct ?? 0) - (b.timeChangePct ?? 0));
    if (reached.length > 0) {
      body += "<p>Shipment-time change by economy (trade-weighted, %)</p>";
      body += barChart(
        reached.map((e) => e.country),
        reached.map((e) => e.timeChangePct ?? 0),
        { unit: " %" },
      );
      body += "<p>Real income change by economy (%)</p>";
      const byIncome = [...v.economies].sort((a, b) => b.realIncomeChangePct - a.realIncomeChangePct).slice(0, 40);
      body += barChart(
        byIncome.map((e) => e.country),
        byIncome.map((e) => e.realIncomeChangePct),
        { unit: " %", digits: 3 },
      );
    }
    body += htmlTable(
      ["economy", "time %", "land+sea %", "trade cost %", "exports %", "imports %", "real income %"],
      v.economies.map((e) => [e.country, f(e.timeChangePct), f(e.timeChangeLandSeaPct), f(e.tradeCostChangePct), f(e.exportsChangePct), f(e.importsChangePct), f(e.realIncomeChangePct, 3)]),
    );
  }
  body += "<h2>Seed figures</h2>";
  body += htmlTable(
    ["figure", "published", "from the trade file"],
    r.seedFigures.map((s) => [s.figure, s.published, s.fromData]),
  );
  return page("Belt and Road study", body);
}
