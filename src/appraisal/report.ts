/**
 * Text and HTML renderings of a project appraisal and a portfolio (the JSON form is the result objects).
 */
import { formatCba, pctOrNull, table, usdM } from "./format";
import { barChart, esc, htmlTable, page, yearBars } from "./html";
import type { PortfolioResult } from "./portfolio";
import type { ProjectAppraisal } from "./project";

function header(a: ProjectAppraisal): string[] {
  const p = a.parameters;
  const lines = [
    `project ${a.project.id}: ${a.project.name}${a.project.bri === true ? " (Belt and Road)" : ""}`,
    `capital cost ${usdM(a.capitalCostUsd)} USD (${a.priceBaseYear} prices), opening ${a.openYear}${p.delayYears > 0 ? ` + ${p.delayYears} years delay` : ""}, ${p.constructionYears} construction years, ${p.operationYears} years of operation`,
    `network ${a.network.year}: ${a.network.projectRecords.length} records built by the project; demand ${a.network.demandRows} rows, ${a.network.routedRows} routed, ${a.network.rowsOnProject} on the project${a.network.unroutedTonnesPerYear > 0 ? `, ${(a.network.unroutedTonnesPerYear / 1e6).toFixed(2)} Mt/yr unroutable` : ""}`,
    `carbon price path ${a.co2Path.path} (${p.co2Level === 0 ? "low" : p.co2Level === 1 ? "high" : `level ${p.co2Level}`}); demand growth ${p.demandGrowthPct} %/yr from ${p.demandBaseYear}; elasticity ${p.elasticity}; O&M ${p.omPct} % of capital/yr; service life ${p.serviceLifeYears} years`,
  ];
  const pr = a.prices;
  lines.push(
    `prices of ${pr.baseYear} (${pr.deflator}): ${pr.restated.map((r) => `${r.item} from ${r.priceYear} ×${r.factor.toFixed(4)}`).join(", ")}${pr.notRestated.length > 0 ? `; not restated: ${pr.notRestated.map((r) => `${r.item}, ${r.reason}`).join("; ")}` : ""}`,
  );
  const cmp = a.network.comparison;
  const levels = (cmp.levels ?? [])
    .map((l) => `${l.year} ×${l.demandScale.toFixed(2)} demand, gap ${Math.max(0, l.gapWithout, l.gapWith).toExponential(1)}, generalized cost saving ${usdM(l.costWithoutUsd - l.costWithUsd)}/yr`)
    .join("; ");
  lines.push(`comparison: ${cmp.method} (${cmp.reason})${levels ? `; equilibria: ${levels}` : ""}`);
  if (a.network.note) lines.push(`note: ${a.network.note}`);
  return lines;
}

/** The appraisal as text. */
export function formatProjectAppraisal(a: ProjectAppraisal): string {
  const lines = header(a);
  const c = a.firstFullYear;
  lines.push("");
  lines.push(`benefits in ${c.year} (first full year, USD/yr)`);
  lines.push(
    table([
      ["component", "USD/yr"],
      ["shipper time savings", usdM(c.timeSavingsUsd)],
      ["reliability (dwell and wait buffer)", usdM(c.reliabilityUsd)],
      ["transport cost savings", usdM(c.transportCostSavingsUsd)],
      ["generated traffic (rule of a half)", usdM(c.generatedTrafficUsd)],
      [`CO2 (${c.co2SavedT.toFixed(0)} t saved)`, usdM(c.co2SavingsUsd)],
    ]),
  );
  lines.push(`traffic on the project ${(c.divertedTonnes / 1e6).toFixed(2)} Mt/yr, generated ${(c.generatedTonnes / 1e6).toFixed(3)} Mt/yr`);
  lines.push("");
  lines.push(formatCba(a.result, a.sensitivity).trimEnd());
  if (a.monteCarlo) {
    const m = a.monteCarlo;
    lines.push("");
    lines.push(`Monte Carlo: ${m.draws} draws (seed ${m.seed}); P(ENPV < 0) = ${(100 * m.probabilityEnpvNegative).toFixed(1)} %`);
    lines.push(
      table([
        ["", "P10", "P50", "P90"],
        ["ENPV (USD)", usdM(m.enpvP10Usd), usdM(m.enpvP50Usd), usdM(m.enpvP90Usd)],
        ["EIRR", pctOrNull(m.eirrP10Pct), pctOrNull(m.eirrP50Pct), pctOrNull(m.eirrP90Pct)],
      ]),
    );
    if (m.eirrUndefinedDraws > 0) lines.push(`${m.eirrUndefinedDraws} draws without a unique EIRR`);
  }
  return `${lines.join("\n")}\n`;
}

/** The appraisal as a self-contained HTML page. */
export function projectAppraisalHtml(a: ProjectAppraisal): string {
  const r = a.result;
  const c = a.firstFullYear;
  let body = header(a)
    .map((l) => `<p class="note">${esc(l)}</p>`)
    .join("\n");
  body += "<h2>Indicators</h2>";
  body += htmlTable(
    ["indicator", "value"],
    [
      ["ENPV", `${usdM(r.enpvUsd)} USD`],
      ["EIRR", r.eirrPct === null ? `n/a (${r.eirrNote})` : `${r.eirrPct.toFixed(2)} %`],
      ["B/C ratio", r.bcr === null ? "n/a" : r.bcr.toFixed(3)],
      ["first-year return", pctOrNull(r.firstYearReturnPct)],
      ["payback year (discounted)", String(r.paybackYear ?? "not within the period")],
      ["discount rate", `${r.discountRatePct} %`],
    ],
  );
  body += `<h2>Benefits in ${c.year}</h2>`;
  body += barChart(
    ["time savings", "reliability", "transport cost", "generated traffic", "CO2"],
    [c.timeSavingsUsd, c.reliabilityUsd, c.transportCostSavingsUsd, c.generatedTrafficUsd, c.co2SavingsUsd].map((x) => x / 1e6),
    { unit: " M USD" },
  );
  body += "<h2>Yearly streams</h2>";
  body += yearBars(
    a.streams.map((s) => s.year),
    a.streams.map((s) => (s.benefitsUsd + s.residualValueUsd) / 1e6),
    a.streams.map((s) => (s.capitalCostUsd + s.operatingCostUsd) / 1e6),
    { unit: "M USD" },
  );
  body += "<h2>Sensitivity</h2>";
  body += htmlTable(
    ["case", "ENPV (USD)", "EIRR", "B/C"],
    a.sensitivity.map((s) => [s.case, usdM(s.enpvUsd), pctOrNull(s.eirrPct), s.bcr === null ? "n/a" : s.bcr.toFixed(3)]),
  );
  const sv = r.switchingValues;
  body += `<p>Switching values: benefits ${pctOrNull(sv.benefitsPct)}, capital cost ${pctOrNull(sv.capitalCostPct)}, operating cost ${pctOrNull(sv.operatingCostPct)}.</p>`;
  if (a.monteCarlo) {
    const m = a.monteCarlo;
    body += `<h2>Risk analysis (${m.draws} draws, seed ${m.seed})</h2>`;
    body += htmlTable(
      ["", "P10", "P50", "P90"],
      [
        ["ENPV (USD)", usdM(m.enpvP10Usd), usdM(m.enpvP50Usd), usdM(m.enpvP90Usd)],
        ["EIRR", pctOrNull(m.eirrP10Pct), pctOrNull(m.eirrP50Pct), pctOrNull(m.eirrP90Pct)],
      ],
    );
    body += `<p>Probability of a negative ENPV: ${(100 * m.probabilityEnpvNegative).toFixed(1)} %.</p>`;
  }
  body += `<p class="note">Method and references: docs/appraisal.md (EU Guide to Cost-Benefit Analysis 2014; ADB Guidelines 2017). Carbon price: ${esc(a.co2Path.source)}.</p>`;
  return page(`Appraisal: ${a.project.name}`, body);
}

/** A portfolio as text. */
export function formatPortfolio(p: PortfolioResult): string {
  const lines = [`package ${p.package}: ${p.projects.length} projects, discount rate ${p.discountRatePct} %, ${p.priceBaseYear} prices`];
  lines.push(
    table([
      ["project", "capital", "open", "standalone ENPV", "B/C", "incremental ENPV", "B/C", "rank ENPV", "rank B/C"],
      ...p.projects.map((r) => [
        r.id,
        usdM(r.capitalCostUsd),
        String(r.openYear),
        usdM(r.standaloneEnpvUsd),
        r.standaloneBcr === null ? "n/a" : r.standaloneBcr.toFixed(3),
        usdM(r.incrementalEnpvUsd),
        r.incrementalBcr === null ? "n/a" : r.incrementalBcr.toFixed(3),
        String(r.rankByEnpv),
        String(r.rankByBcr),
      ]),
    ]),
  );
  if (p.pairs.length > 0) {
    lines.push("");
    lines.push("pairs (interaction ENPV(a+b) − ENPV(a) − ENPV(b)):");
    lines.push(table([["a", "b", "interaction", "relation"], ...p.pairs.map((x) => [x.a, x.b, usdM(x.interactionEnpvUsd), x.relation])], 2));
  }
  lines.push("");
  lines.push(
    p.best
      ? `best portfolio${p.budgetUsd !== null ? ` within ${usdM(p.budgetUsd)} USD` : ""}: ${p.best.projects.join(", ")} (capital ${usdM(p.best.capitalCostUsd)}, ENPV ≈ ${usdM(p.best.approxEnpvUsd)})`
      : `no subset has a positive ENPV${p.budgetUsd !== null ? ` within ${usdM(p.budgetUsd)} USD` : ""}`,
  );
  lines.push(`method: ${p.method}`);
  const c = p.comparison;
  lines.push(`comparison: ${c.method} (${c.reason}); ${c.comparisons} comparisons on ${c.states} network states${c.method === "congested" ? `, ${c.equilibria} equilibrium assignments` : ""}`);
  return `${lines.join("\n")}\n`;
}

/** A portfolio as a self-contained HTML page (rankings, ENPV bars, pairs, best portfolio; no script, no network). */
export function portfolioHtml(p: PortfolioResult): string {
  const bcr = (x: number | null): string => (x === null ? "n/a" : x.toFixed(3));
  let body = `<p class="note">${esc(`package ${p.package}: ${p.projects.length} projects, discount rate ${p.discountRatePct} %, ${p.priceBaseYear} prices`)}</p>`;
  body += "<h2>Projects</h2>";
  body += htmlTable(
    ["project", "capital (USD)", "open", "standalone ENPV", "B/C", "incremental ENPV", "B/C", "rank ENPV", "rank B/C"],
    p.projects.map((r) => [r.id, usdM(r.capitalCostUsd), String(r.openYear), usdM(r.standaloneEnpvUsd), bcr(r.standaloneBcr), usdM(r.incrementalEnpvUsd), bcr(r.incrementalBcr), String(r.rankByEnpv), String(r.rankByBcr)]),
  );
  body += "<h2>Standalone ENPV</h2>";
  body += barChart(
    p.projects.map((r) => r.id),
    p.projects.map((r) => r.standaloneEnpvUsd / 1e6),
    { unit: " M USD" },
  );
  if (p.pairs.length > 0) {
    body += "<h2>Pairs (interaction ENPV(a+b) − ENPV(a) − ENPV(b))</h2>";
    body += htmlTable(["a", "b", "interaction (USD)", "relation"], p.pairs.map((x) => [x.a, x.b, usdM(x.interactionEnpvUsd), x.relation]));
  }
  body += "<h2>Best portfolio</h2>";
  body += `<p>${esc(
    p.best
      ? `${p.best.projects.join(", ")}${p.budgetUsd !== null ? ` within ${usdM(p.budgetUsd)} USD` : ""}: capital ${usdM(p.best.capitalCostUsd)} USD, ENPV ≈ ${usdM(p.best.approxEnpvUsd)} USD`
      : `no subset has a positive ENPV${p.budgetUsd !== null ? ` within ${usdM(p.budgetUsd)} USD` : ""}`,
  )}</p>`;
  const c = p.comparison;
  body += `<p class="note">${esc(`method: ${p.method}`)}</p>`;
  body += `<p class="note">${esc(`comparison: ${c.method} (${c.reason}); ${c.comparisons} comparisons on ${c.states} network states${c.method === "congested" ? `, ${c.equilibria} equilibrium assignments` : ""}`)}</p>`;
  body += `<p class="note">Method and references: docs/appraisal.md (EU Guide to Cost-Benefit Analysis 2014; ADB Guidelines 2017).</p>`;
  return page(`Appraisal of a package: ${p.package}`, body);
}
