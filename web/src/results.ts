/**
 * Reading what the API returns into what the views show, without the DOM (unit-tested in test/web/results.test.ts):
 * job results (corridor assignment, scenario comparison) looked up by key at the top level or one level down, and
 * the general-equilibrium results file of the trade view with its colour ramp.
 */

import type { Feature, FeatureCollection } from "geojson";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function isFeatureCollection(x: unknown): x is FeatureCollection {
  return isRecord(x) && x.type === "FeatureCollection" && Array.isArray(x.features);
}

/** The first value under one of `keys` (top level first, then inside each object-valued field). */
export function findField(result: unknown, keys: readonly string[]): unknown {
  if (!isRecord(result)) return undefined;
  for (const k of keys) if (result[k] !== undefined) return result[k];
  for (const v of Object.values(result)) {
    if (!isRecord(v)) continue;
    for (const k of keys) if (v[k] !== undefined) return v[k];
  }
  return undefined;
}

/** A FeatureCollection under one of `keys`, or the first FeatureCollection anywhere in the top two levels. */
export function findFeatureCollection(result: unknown, keys: readonly string[]): FeatureCollection | null {
  const named = findField(result, keys);
  if (isFeatureCollection(named)) return named;
  if (typeof named === "string") {
    try {
      const parsed = JSON.parse(named);
      if (isFeatureCollection(parsed)) return parsed;
    } catch {
      /* not GeoJSON text */
    }
  }
  if (isFeatureCollection(result)) return result;
  if (isRecord(result)) {
    for (const v of Object.values(result)) {
      if (isFeatureCollection(v)) return v;
      if (isRecord(v)) for (const w of Object.values(v)) if (isFeatureCollection(w)) return w;
    }
  }
  return null;
}

export function findArray<T>(result: unknown, keys: readonly string[]): T[] | null {
  const v = findField(result, keys);
  return Array.isArray(v) ? (v as T[]) : null;
}

// corridor assignment

export interface BottleneckRow {
  linkId: string;
  from: string;
  to: string;
  mode: string;
  flowT: number;
  capacityT: number;
  vc: number;
  delayH: number;
}

export interface CrossingVolume {
  crossing: string;
  name: string;
  totalT: number;
  maxVc: number | null;
}

export interface TransitRow {
  country: string;
  transitT: number;
  containerTeu?: number;
}

export interface AssignmentView {
  flows: FeatureCollection | null;
  bottlenecks: BottleneckRow[];
  crossings: CrossingVolume[];
  transit: TransitRow[] | null;
  demandT: number | null;
  relativeGap: number | null;
  iterations: number | null;
}

export function readAssignment(result: unknown): AssignmentView {
  const num = (k: string) => {
    const v = findField(result, [k]);
    return typeof v === "number" ? v : null;
  };
  return {
    flows: findFeatureCollection(result, ["flows", "linkFlows", "geojson", "links"]),
    bottlenecks: findArray<BottleneckRow>(result, ["bottlenecks"]) ?? [],
    crossings: findArray<CrossingVolume>(result, ["crossings"]) ?? [],
    transit: findArray<TransitRow>(result, ["transitByCountry", "transit"]),
    demandT: num("demandT"),
    relativeGap: num("relativeGap"),
    iterations: num("iterations"),
  };
}


// scenario comparison

/** A diff feature's flow change, t/yr: `changeT`, else scenario − base flow; null when it has neither. */
function changeOf(props: Record<string, unknown> | null): number | null {
  if (!props) return null;
  if (typeof props.changeT === "number") return props.changeT;
  if (typeof props.baseFlowT === "number" && typeof props.scenarioFlowT === "number") return props.scenarioFlowT - props.baseFlowT;
  return null;
}

export interface VolumeChange {
  id?: string;
  country?: string;
  name?: string;
  baselineT: number;
  scenarioT: number;
  changeT: number;
}

export interface MeanChange {
  pairs: number;
  timeH: number;
  timePct: number;
  costUsd: number;
  costPct: number;
  co2Pct: number;
}

/** What the comparison says beyond the link diff: means, crossing and transit changes, its own summary text. */
export interface ComparisonView {
  summaryText: string | null;
  pairsChanged: number | null;
  corridorSwitches: number | null;
  demandWeighted: MeanChange | null;
  crossings: VolumeChange[];
  transit: VolumeChange[];
}

export function readComparison(result: unknown): ComparisonView {
  const comparison = findField(result, ["comparison"]) ?? result;
  const summary = findField(comparison, ["summary"]) as Record<string, unknown> | undefined;
  const means = findField(comparison, ["means"]) as { demandWeighted?: MeanChange } | undefined;
  const changed = (rows: VolumeChange[] | null) => (rows ?? []).filter((r) => typeof r.changeT === "number" && r.changeT !== 0).sort((a, b) => Math.abs(b.changeT) - Math.abs(a.changeT));
  return {
    summaryText: typeof summary?.text === "string" ? summary.text : null,
    pairsChanged: typeof summary?.pairsChanged === "number" ? summary.pairsChanged : null,
    corridorSwitches: typeof summary?.corridorSwitches === "number" ? summary.corridorSwitches : null,
    demandWeighted: means?.demandWeighted ?? null,
    crossings: changed(findArray<VolumeChange>(comparison, ["crossings"])),
    transit: changed(findArray<VolumeChange>(comparison, ["transitByCountry"])),
  };
}

export interface DiffView {
  features: FeatureCollection;
  rows: { id: string; label: string; changeT: number; baseT: number | null; scenarioT: number | null }[];
  gains: number;
  losses: number;
}

export function readDiff(result: unknown): DiffView | null {
  const fc = findFeatureCollection(result, ["diff", "linkDiff", "flowsDiff", "changes", "flows"]);
  if (!fc) return null;
  const features: Feature[] = [];
  for (const f of fc.features) {
    const change = changeOf(f.properties as Record<string, unknown> | null);
    if (change === null) continue;
    features.push({ ...f, properties: { ...(f.properties ?? {}), changeT: change } });
  }
  const rows = features
    .map((f) => {
      const p = f.properties as Record<string, unknown>;
      const id = String(p.linkId ?? p.id ?? "");
      const label = p.from && p.to ? `${p.from} → ${p.to}${p.mode ? ` (${p.mode})` : ""}` : id;
      return {
        id,
        label,
        changeT: p.changeT as number,
        baseT: typeof p.baseFlowT === "number" ? p.baseFlowT : null,
        scenarioT: typeof p.scenarioFlowT === "number" ? p.scenarioFlowT : null,
      };
    })
    .sort((a, b) => Math.abs(b.changeT) - Math.abs(a.changeT));
  return {
    features: { type: "FeatureCollection", features },
    rows,
    gains: rows.filter((r) => r.changeT > 0).length,
    losses: rows.filter((r) => r.changeT < 0).length,
  };
}


// trade (general equilibrium)

export interface GeCountryRow {
  country: string;
  exportsChangePct: number;
  importsChangePct: number;
  realGdpChangePct: number;
  welfareChangePct?: number;
  producerPriceChangePct?: number;
}

/** Diverging ramp (ColorBrewer RdBu): negative changes, darkest first. */
export const NEG = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7"];
/** Positive changes, palest first. */
export const POS = ["#d1e5f0", "#92c5de", "#4393c3", "#2166ac"];

/** Colour of a % change: white at 0, else one of four classes of |value| / maxAbs ([0, ¼), [¼, ½), [½, ¾), [¾, 1]). */
export function colorFor(value: number, maxAbs: number): string {
  if (!(maxAbs > 0) || value === 0) return "#f7f7f7";
  const t = Math.min(1, Math.abs(value) / maxAbs);
  const i = Math.min(3, Math.floor(t * 4));
  return value < 0 ? NEG[3 - i] : POS[i];
}

export interface GeFile {
  shock: string;
  rows: GeCountryRow[];
}

/** Parse the JSON of `caravan gravity counterfactual --json`; throws with a message naming what is missing. */
export function parseGeFile(text: string): GeFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const results = (json as { results?: unknown }).results;
  if (!Array.isArray(results)) throw new Error('no "results" array: open the output of `caravan gravity counterfactual --json`');
  const rows: GeCountryRow[] = [];
  results.forEach((r, i) => {
    const row = r as Record<string, unknown>;
    if (typeof row.country !== "string" || typeof row.realGdpChangePct !== "number" || typeof row.exportsChangePct !== "number" || typeof row.importsChangePct !== "number") {
      throw new Error(`results[${i}]: needs country, realGdpChangePct, exportsChangePct and importsChangePct`);
    }
    rows.push(row as unknown as GeCountryRow);
  });
  const shock = (json as { shock?: unknown }).shock;
  return { shock: typeof shock === "string" ? shock : "", rows };
}

