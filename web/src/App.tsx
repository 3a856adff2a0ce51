/**
 * The Caravan web app: a header with the views (network, route planner, flows, scenarios, trade, stored runs), a side panel for
 * the active view and the map. State lives in the URL (see url-state.ts), so every view and query is a shareable link.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import { useCallback, useEffect, useState } from "preact/hooks";
import { MapContext, MapPane } from "./map/MapPane";
import { type AppState, parseState, serializeState, type View, VIEWS } from "./url-state";
import { FlowsView } from "./views/FlowsView";
import { NetworkView } from "./views/NetworkView";
import { RouteView } from "./views/RouteView";
import { RunsView } from "./views/RunsView";
import { ScenariosView } from "./views/ScenariosView";
import { TradeView } from "./views/TradeView";

const VIEW_LABELS: Record<View, string> = {
  network: "Network",
  route: "Route planner",
  flows: "Flows",
  scenarios: "Scenarios",
  trade: "Trade",
  runs: "Runs",
};

export function App() {
  const [state, setState] = useState<AppState>(() => parseState(location.search));
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [mapError, setMapError] = useState<string | null>(null);

  // back and forward restore the state of the URL
  useEffect(() => {
    const onPop = () => setState(parseState(location.search));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  const update = useCallback((patch: Partial<AppState>) => {
    setState((prev) => {
      const next = { ...prev, ...patch };
      const search = serializeState(next);
      if (search !== location.search) {
        // a new view or query is a history entry; slider moves and toggles replace the current one
        const push = patch.view !== undefined || patch.from !== undefined || patch.to !== undefined || patch.run !== undefined;
        if (push) history.pushState(null, "", search);
        else history.replaceState(null, "", search);
      }
      return next;
    });
  }, []);

  useEffect(() => {
    // normalise the URL on first load (defaults left out, unknown values dropped)
    history.replaceState(null, "", serializeState(state));
  }, []);

  const onTabKey = (e: KeyboardEvent) => {
    const i = VIEWS.indexOf(state.view);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % VIEWS.length;
    else if (e.key === "ArrowLeft") next = (i + VIEWS.length - 1) % VIEWS.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = VIEWS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    update({ view: VIEWS[next] });
    document.getElementById(`tab-${VIEWS[next]}`)?.focus();
  };

  return (
    <MapContext.Provider value={map}>
      <div class="app">
        <header class="topbar">
          <h1>
            Caravan <span class="muted">Eurasian freight corridors</span>
          </h1>
          <nav aria-label="Views">
            <div role="tablist" aria-label="Views" class="tabs" onKeyDown={onTabKey}>
            {VIEWS.map((v) => (
              <button
                key={v}
                id={`tab-${v}`}
                type="button"
                role="tab"
                aria-selected={state.view === v}
                aria-controls="panel"
                tabIndex={state.view === v ? 0 : -1}
                onClick={() => update({ view: v })}
              >
                {VIEW_LABELS[v]}
              </button>
            ))}
            </div>
          </nav>
          <a class="api-link" href="api/docs">
            API
          </a>
        </header>
        <main class="content">
          <div id="panel" class="panel" role="tabpanel" aria-labelledby={`tab-${state.view}`}>
            {mapError ? <div class="error">{mapError}</div> : null}
            {state.view === "network" ? <NetworkView state={state} update={update} /> : null}
            {state.view === "route" ? <RouteView state={state} update={update} /> : null}
            {state.view === "flows" ? <FlowsView state={state} update={update} /> : null}
            {state.view === "scenarios" ? <ScenariosView state={state} update={update} /> : null}
            {state.view === "trade" ? <TradeView state={state} update={update} /> : null}
            {state.view === "runs" ? <RunsView state={state} update={update} /> : null}
          </div>
          <MapPane onMap={setMap} onError={setMapError} />
        </main>
      </div>
    </MapContext.Provider>
  );
}
