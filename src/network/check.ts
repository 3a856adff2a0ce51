/**
 * Invariant checker of a compiled network: the CSR invariants (checkCsrInvariants) plus the multimodal ones. Returns
 * the list of problems, each naming what broke; empty = sound. compileNetwork and openNetwork call it.
 */
import { checkCsrInvariants } from "../graph/csr";
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_FERRY,
  ARC_GAUGE_CHANGE,
  ARC_KINDS,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  type CompiledNetwork,
  isRailLayer,
  LAYER_ACCESS,
  LAYER_AIR,
  LAYER_COUNT,
  LAYER_GAUGE_MM,
  LAYER_ROAD,
  LAYER_SEA,
  LAYERS,
  MODE_AIR,
  MODE_FERRY,
  MODE_NONE,
  MODE_RAIL,
  MODE_ROAD,
  MODE_SEA,
  NO_COUNTRY,
  NO_INDEX,
} from "./compiled";

const MAX_PROBLEMS = 50;

/** Layer group of a layer: all rail gauges are one group (a gauge change is not a mode change). */
function group(layer: number): number {
  return isRailLayer(layer) ? 0 : layer;
}

export function checkCompiledNetwork(net: CompiledNetwork): string[] {
  const { graph, arcs, placeCount, nodePlace, nodeLayer, noThrough, layerNodeOf, network, countries } = net;
  const problems = checkCsrInvariants(graph, {
    distanceKm: arcs.distanceKm,
    travelTimeH: arcs.travelTimeH,
    eventTimeH: arcs.eventTimeH,
    waitTimeH: arcs.waitTimeH,
    costUsdPerFeu: arcs.costUsdPerFeu,
    costUsdPerTeu: arcs.costUsdPerTeu,
    costUsdPerTonne: arcs.costUsdPerTonne,
    eventCostUsdPerFeu: arcs.eventCostUsdPerFeu,
    co2GPerTonne: arcs.co2GPerTonne,
  });
  const { nodeCount, arcCount, head, tail } = graph;
  const add = (message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(message);
  };
  if (placeCount !== network.places.length) add(`placeCount ${placeCount} but the network has ${network.places.length} places`);
  if (nodeCount < placeCount) add(`nodeCount ${nodeCount} is below placeCount ${placeCount}: every place needs an access node`);
  for (const [name, length] of [
    ["nodePlace", nodePlace.length],
    ["nodeLayer", nodeLayer.length],
    ["noThrough", noThrough.length],
  ] as const) {
    if (length !== nodeCount) add(`${name} has ${length} entries, expected nodeCount ${nodeCount}`);
  }
  if (layerNodeOf.length !== placeCount * LAYER_COUNT) add(`layerNodeOf has ${layerNodeOf.length} entries, expected ${placeCount * LAYER_COUNT}`);
  if (problems.length > 0) return problems;

  // nodes
  for (let v = 0; v < nodeCount; v++) {
    if (v < placeCount) {
      if (nodeLayer[v] !== LAYER_ACCESS || nodePlace[v] !== v) add(`node ${v} should be the access node of place ${v} but has layer ${nodeLayer[v]}, place ${nodePlace[v]}`);
      if (noThrough[v] !== 1) add(`access node ${v} (${network.places[v]?.id}) is not noThrough`);
    } else {
      const p = nodePlace[v];
      const layer = nodeLayer[v];
      if (layer >= LAYER_COUNT) add(`layer node ${v} has layer ${layer}`);
      else if (p >= placeCount) add(`layer node ${v} has place ${p} outside 0..${placeCount - 1}`);
      else if (layerNodeOf[p * LAYER_COUNT + layer] !== v) add(`layerNodeOf[${network.places[p].id}, ${LAYERS[layer]}] is ${layerNodeOf[p * LAYER_COUNT + layer]}, not node ${v}`);
      if (noThrough[v] !== 0) add(`layer node ${v} is marked noThrough`);
    }
  }
  for (let i = 0; i < layerNodeOf.length; i++) {
    const v = layerNodeOf[i];
    if (v !== -1 && (v < placeCount || v >= nodeCount)) add(`layerNodeOf[${i}] = ${v} is not a layer node`);
  }

  // arcs
  const countOf = (kind: number) => (kind === ARC_LINK ? network.links.length : kind === ARC_FERRY ? network.ferries.length : network.terminals.length);
  for (let a = 0; a < arcCount && problems.length < MAX_PROBLEMS; a++) {
    const u = tail[a];
    const v = head[a];
    const kind = arcs.kind[a];
    const lu = nodeLayer[u];
    const lv = nodeLayer[v];
    const name = `arc ${a} (${ARC_KINDS[kind] ?? kind} ${network.places[nodePlace[u]]?.id}/${lu === LAYER_ACCESS ? "access" : LAYERS[lu]} → ${network.places[nodePlace[v]]?.id}/${lv === LAYER_ACCESS ? "access" : LAYERS[lv]})`;
    if (kind >= ARC_KINDS.length) {
      add(`${name}: unknown kind ${kind}`);
      continue;
    }
    if (arcs.fromPlace[a] !== nodePlace[u] || arcs.toPlace[a] !== nodePlace[v]) add(`${name}: fromPlace/toPlace ${arcs.fromPlace[a]}/${arcs.toPlace[a]} differ from its nodes' places`);
    const rec = arcs.record[a];
    for (const [col, value, limit] of [
      ["chokepoint", arcs.chokepoint[a], network.chokepoints.length],
      ["crossing", arcs.crossing[a], network.crossings.length],
    ] as const) {
      if (value !== NO_INDEX && !(value >= 0 && value < limit)) add(`${name}: ${col} index ${value} outside 0..${limit - 1}`);
    }
    for (const [col, value] of [
      ["fromCountry", arcs.fromCountry[a]],
      ["toCountry", arcs.toCountry[a]],
    ] as const) {
      if (value !== NO_COUNTRY && value >= countries.length) add(`${name}: ${col} ${value} is not a country index`);
    }
    for (const [col, value] of [
      ["capacityTonnesPerYear", arcs.capacityTonnesPerYear[a]],
      ["capacityTeuPerYear", arcs.capacityTeuPerYear[a]],
    ] as const) {
      if (!Number.isNaN(value) && !(value > 0 && Number.isFinite(value))) add(`${name}: ${col} is ${value}; must be > 0 or NaN (unlimited)`);
    }
    if (arcs.waitTimeH[a] > arcs.eventTimeH[a] + 1e-9) add(`${name}: waitTimeH ${arcs.waitTimeH[a]} exceeds eventTimeH ${arcs.eventTimeH[a]}`);
    if (arcs.eventCostUsdPerFeu[a] > arcs.costUsdPerFeu[a] + 1e-9) add(`${name}: eventCostUsdPerFeu exceeds costUsdPerFeu`);
    if (kind === ARC_ACCESS_DEPART || kind === ARC_ACCESS_ARRIVE) {
      const [access, layerNode] = kind === ARC_ACCESS_DEPART ? [u, v] : [v, u];
      if (access >= placeCount || nodeLayer[layerNode] === LAYER_ACCESS || nodePlace[layerNode] !== access) {
        add(`${name}: an access arc must join a place's access node and one of its layer nodes`);
      }
      if (arcs.travelTimeH[a] !== 0 || arcs.eventTimeH[a] !== 0 || arcs.costUsdPerFeu[a] !== 0 || arcs.distanceKm[a] !== 0) add(`${name}: access arcs have zero weight`);
      if (arcs.mode[a] !== MODE_NONE || rec !== NO_INDEX) add(`${name}: access arcs have mode NONE and no record`);
      continue;
    }
    if (lu === LAYER_ACCESS || lv === LAYER_ACCESS) {
      // but a sea feeder's arcs for a trip that starts or ends at its hub join the hub's access node (build.ts)
      const f = kind === ARC_FERRY && rec >= 0 && rec < network.ferries.length ? network.ferries[rec] : null;
      const access = lu === LAYER_ACCESS ? u : v;
      if (!(f !== null && f.carries[0] === "sea" && network.places[access]?.id === f.from && (lu === LAYER_SEA || lv === LAYER_SEA))) {
        add(`${name}: only access arcs and a sea feeder's hub-end arcs touch an access node`);
      }
      continue;
    }
    if (kind === ARC_LINK || kind === ARC_FERRY) {
      // a sea feeder (ferry carrying [sea]) joins the port's sea node with its hub's sea node or, for a box that enters
      // or leaves the sea at the hub, one of the hub's land layers (build.ts)
      const seaFeeder = kind === ARC_FERRY && rec >= 0 && rec < network.ferries.length && network.ferries[rec].carries[0] === "sea";
      if (seaFeeder) {
        if (arcs.mode[a] !== MODE_SEA) add(`${name}: sea feeder arcs have mode SEA`);
        if (lu !== LAYER_SEA && lv !== LAYER_SEA) add(`${name}: a sea feeder arc has a sea end`);
        if (!(arcs.distanceKm[a] > 0)) add(`${name}: distanceKm must be > 0`);
        continue;
      }
      if (lu !== lv) add(`${name}: a ${ARC_KINDS[kind]} arc stays in one layer`);
      if (!(rec >= 0 && rec < countOf(kind))) add(`${name}: record ${rec} outside 0..${countOf(kind) - 1}`);
      if (!(arcs.distanceKm[a] > 0)) add(`${name}: distanceKm must be > 0`);
      const mode = arcs.mode[a];
      if (kind === ARC_FERRY && mode !== MODE_FERRY) add(`${name}: ferry arcs have mode FERRY`);
      if (kind === ARC_LINK) {
        const expected = isRailLayer(lu) ? MODE_RAIL : lu === LAYER_ROAD ? MODE_ROAD : lu === LAYER_SEA ? MODE_SEA : lu === LAYER_AIR ? MODE_AIR : -1;
        if (mode !== expected) add(`${name}: mode ${mode} does not match layer ${LAYERS[lu]}`);
        if (rec >= 0 && rec < network.links.length && network.links[rec].border !== null && arcs.crossing[a] === NO_INDEX) add(`${name}: link has a border but the arc no crossing`);
      }
      if (isRailLayer(lu) && arcs.gaugeMm[a] !== LAYER_GAUGE_MM[lu]) add(`${name}: gauge ${arcs.gaugeMm[a]} mm in layer ${LAYERS[lu]}`);
      continue;
    }
    if (nodePlace[u] !== nodePlace[v]) add(`${name}: a transfer stays at one place`);
    if (arcs.distanceKm[a] !== 0 || arcs.travelTimeH[a] !== 0) add(`${name}: a transfer has no distance or moving time`);
    if (rec !== NO_INDEX && !(rec >= 0 && rec < network.terminals.length)) add(`${name}: terminal record ${rec} out of range`);
    if (kind === ARC_GAUGE_CHANGE && !(isRailLayer(lu) && isRailLayer(lv) && lu !== lv)) add(`${name}: a gauge change joins two different rail layers`);
    if (kind === ARC_TRANSSHIPMENT && group(lu) === group(lv)) add(`${name}: a transshipment joins two different modes`);
  }
  return problems;
}
