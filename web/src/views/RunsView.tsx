/**
 * Runs view: the runs recorded in the server's run store (GET /api/v1/runs, `caravan serve --store FILE|URL`) as a
 * table filtered by kind and status, and one opened run (GET /api/v1/runs/:id, `run=ID` in the URL): its manifest
 * (inputs with their content hashes, dataset hash, code version, parameters, timings), its summary and the size of
 * each result table. The API returns the sizes of the result tables, not their rows, so link flows and crossing
 * volumes are listed by count with the command that exports them rather than drawn. Pure helpers: runs-data.ts.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, apiGet, type RunDetail, type RunListing } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { fmtInt } from "../format";
import { type AppState, RUN_STATUSES } from "../url-state";
import { describeValue, fmtTime, inputRows, kindChoices, RUNS_LIMIT, runSeconds, type SummaryTable, splitRecord } from "./runs-data";

/** Rows of a summary table shown before "show all". */
const TABLE_PREVIEW = 20;

/** The server answered that it has no run store (started without --store). */
function noStore(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.code === "E_NOT_AVAILABLE" || error.status === 501);
}

/** A store time in a narrow table cell: date over time of day (UTC), the full timestamp as its tooltip. */
function StoreTime(props: { iso: string | null }) {
  const [date, time] = fmtTime(props.iso).split(" ");
  if (!time) return <>{date}</>;
  return (
    <time dateTime={props.iso ?? undefined} title={props.iso ?? undefined}>
      {date}
      <br />
      {time}
    </time>
  );
}

function KeyValues(props: { rows: [string, unknown][]; label: string; testid?: string }) {
  if (props.rows.length === 0) return <p class="muted small">none recorded</p>;
  return (
    <table class="data kv" aria-label={props.label} data-testid={props.testid}>
      <tbody>
        {props.rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{describeValue(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RecordTable(props: { table: SummaryTable }) {
  const { table } = props;
  const [all, setAll] = useState(false);
  const rows = all ? table.rows : table.rows.slice(0, TABLE_PREVIEW);
  return (
    <div class="table-scroll">
      <table class="data" aria-label={table.name} data-table={table.name}>
        <caption>
          {table.name} <span class="muted">({fmtInt(table.rows.length)} rows)</span>
        </caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c} class={typeof row[c] === "number" ? "num" : undefined}>
                  {row[c] === undefined ? "" : describeValue(row[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.rows.length > TABLE_PREVIEW ? (
        <button type="button" class="link small" onClick={() => setAll(!all)}>
          {all ? `Show the first ${TABLE_PREVIEW} rows` : `Show all ${fmtInt(table.rows.length)} rows`}
        </button>
      ) : null}
    </div>
  );
}

function RunDetails(props: { detail: RunDetail; onClose: () => void }) {
  const { run, resultCounts } = props.detail;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [run.id]);
  const inputs = inputRows(run.inputs);
  const parameters = splitRecord(run.parameters);
  const timings = splitRecord(run.timings);
  const summary = splitRecord(run.summary);
  const seconds = runSeconds(run);
  const counts = Object.entries(resultCounts).filter(([, n]) => typeof n === "number");
  return (
    <section class="run-details" aria-labelledby="run-title" data-testid="run-details" data-run={run.id}>
      <div class="run-details-head">
        <h3 id="run-title" tabIndex={-1} ref={heading}>
          Run <code>{run.id}</code>
        </h3>
        <button type="button" class="link" onClick={props.onClose}>
          Close
        </button>
      </div>
      <table class="data kv" aria-label="Manifest" data-testid="run-manifest">
        <tbody>
          <tr>
            <th scope="row">kind</th>
            <td>{run.kind}</td>
          </tr>
          <tr>
            <th scope="row">status</th>
            <td>
              <span class={`run-status ${run.status}`}>{run.status}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">started</th>
            <td>{fmtTime(run.startedAt)}</td>
          </tr>
          <tr>
            <th scope="row">finished</th>
            <td>
              {fmtTime(run.finishedAt)}
              {seconds !== null ? <span class="muted"> ({describeValue(seconds)} s)</span> : null}
            </td>
          </tr>
          <tr>
            <th scope="row">inputs hash</th>
            <td class="hash" data-field="inputsHash">
              {run.inputsHash}
            </td>
          </tr>
          <tr>
            <th scope="row">dataset hash</th>
            <td class="hash" data-field="datasetHash">
              {run.datasetHash ?? "null (no network dataset)"}
            </td>
          </tr>
          <tr>
            <th scope="row">code version</th>
            <td data-field="codeVersion">{run.codeVersion}</td>
          </tr>
        </tbody>
      </table>
      {run.error ? (
        <div class="error" role="status">
          {run.error}
        </div>
      ) : null}

      <h4>Inputs</h4>
      {inputs.length === 0 ? (
        <p class="muted small">none recorded</p>
      ) : (
        <table class="data" aria-label="Inputs" data-testid="run-inputs">
          <thead>
            <tr>
              <th scope="col">input</th>
              <th scope="col">file or value</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {inputs.map((r) => (
              <tr key={r.name} data-input={r.name}>
                <th scope="row">{r.name}</th>
                <td class="path">
                  {r.value ?? r.path ?? "—"}
                  {r.bytes !== null ? <span class="muted"> ({fmtInt(r.bytes)} bytes)</span> : null}
                </td>
                <td class="hash">{r.sha256 ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h4>Parameters</h4>
      <KeyValues rows={parameters.fields} label="Parameters" testid="run-parameters" />
      {parameters.tables.map((t) => (
        <RecordTable key={t.name} table={t} />
      ))}

      <h4>Timings</h4>
      <KeyValues rows={timings.fields} label="Timings" testid="run-timings" />

      <h4>Result tables</h4>
      {counts.length === 0 ? (
        <p class="muted small">This run stored no result rows.</p>
      ) : (
        <>
          <table class="data" aria-label="Result tables" data-testid="run-results">
            <thead>
              <tr>
                <th scope="col">table</th>
                <th scope="col" class="num">
                  rows
                </th>
              </tr>
            </thead>
            <tbody>
              {counts.map(([name, n]) => (
                <tr key={name} data-table={name}>
                  <th scope="row">{name}</th>
                  <td class="num">{fmtInt(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">
            The API gives the size of each result table, not its rows, so they are not drawn on the map. Export them with{" "}
            <code>
              caravan runs export {run.id} --table {counts[0][0]} --format csv|parquet|geojson
            </code>{" "}
            (GeoJSON draws link flows as lines), or query the store with SQL.
          </p>
        </>
      )}

      <h4>Summary</h4>
      <KeyValues rows={summary.fields} label="Summary" testid="run-summary" />
      {summary.tables.map((t) => (
        <RecordTable key={t.name} table={t} />
      ))}

      {run.output ? (
        <details>
          <summary>Printed output</summary>
          <pre class="run-output">{run.output}</pre>
        </details>
      ) : null}
    </section>
  );
}

export function RunsView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state, update } = props;
  const [runs, setRuns] = useState<RunListing[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [loading, setLoading] = useState(false);
  const body = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setListError(null);
    apiGet<{ runs: RunListing[] }>("runs", { kind: state.runKind, status: state.runStatus, limit: RUNS_LIMIT }, controller.signal)
      .then((r) => setRuns(r.runs))
      .catch((e: Error) => {
        if (e.name === "AbortError") return;
        setRuns(null);
        setListError(e);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [state.runKind, state.runStatus, reload]);

  useEffect(() => {
    setDetail(null);
    setDetailError(null);
    if (!state.run) return;
    const controller = new AbortController();
    apiGet<RunDetail>(`runs/${encodeURIComponent(state.run)}`, {}, controller.signal)
      .then(setDetail)
      .catch((e: Error) => e.name !== "AbortError" && setDetailError(e));
    return () => controller.abort();
  }, [state.run]);

  // arrow keys move between the runs of the table (each row's id is a button that opens the run)
  const onTableKey = (e: KeyboardEvent) => {
    const buttons = [...(body.current?.querySelectorAll<HTMLButtonElement>("button.run-open") ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let next = -1;
    if (e.key === "ArrowDown") next = Math.min(i + 1, buttons.length - 1);
    else if (e.key === "ArrowUp") next = Math.max(i - 1, 0);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = buttons.length - 1;
    if (next < 0) return;
    e.preventDefault();
    buttons[next].focus();
  };

  if (noStore(listError)) {
    return (
      <section class="panel-section" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <div class="notice" role="status" data-testid="runs-no-store">
          <strong>This server has no run store.</strong> Stored runs are listed when the server is started with one, e.g.{" "}
          <code>caravan serve --store caravan.db</code> (a SQLite file) or <code>--store postgres://…</code>.
          <div class="notice-detail muted small">
            The server answered <code>{listError.code}</code>: {listError.message}
          </div>
        </div>
      </section>
    );
  }

  const selected = detail?.run.id ?? state.run;
  return (
    <section class="panel-section" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      <p class="muted">Runs recorded in the server's run store, newest first: what went in (inputs by content hash, dataset, code version, parameters) and what came out.</p>
      <div class="row">
        <label>
          Kind
          <select name="runKind" value={state.runKind} onChange={(e) => update({ runKind: e.currentTarget.value })}>
            <option value="">all kinds</option>
            {kindChoices(runs ?? [], state.runKind).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="runStatus" value={state.runStatus} onChange={(e) => update({ runStatus: e.currentTarget.value })}>
            <option value="">all statuses</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => setReload((n) => n + 1)} disabled={loading}>
          {loading ? "Loading…" : "Refresh"}
        </button>
      </div>
      <ErrorBox error={listError} />
      {runs === null ? null : runs.length === 0 ? (
        <p class="muted" data-testid="runs-empty">
          No {state.runStatus ? `${state.runStatus} ` : ""}
          {state.runKind ? `${state.runKind} ` : ""}runs in the store.
        </p>
      ) : (
        <div class="table-scroll">
          <table class="data runs-table" data-testid="runs-table">
            <caption class="muted small">
              {runs.length === RUNS_LIMIT ? `the newest ${RUNS_LIMIT} runs` : `${fmtInt(runs.length)} run${runs.length === 1 ? "" : "s"}`}; times in UTC
            </caption>
            <thead>
              <tr>
                <th scope="col">id</th>
                <th scope="col">kind</th>
                <th scope="col">status</th>
                <th scope="col">started</th>
                <th scope="col">finished</th>
                <th scope="col">inputs hash</th>
              </tr>
            </thead>
            <tbody ref={body} onKeyDown={onTableKey}>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id} class={r.id === selected ? "selected" : undefined} aria-current={r.id === selected ? "true" : undefined}>
                  <th scope="row">
                    <button type="button" class="link run-open" onClick={() => update({ run: r.id })} aria-label={`Open run ${r.id} (${r.kind}, ${r.status})`}>
                      {r.id}
                    </button>
                  </th>
                  <td>{r.kind}</td>
                  <td>
                    <span class={`run-status ${r.status}`}>{r.status}</span>
                  </td>
                  <td class="time">
                    <StoreTime iso={r.startedAt} />
                  </td>
                  <td class="time">
                    <StoreTime iso={r.finishedAt} />
                  </td>
                  <td class="hash" title={r.inputsHash}>
                    {r.inputsHash.slice(0, 8)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={detailError} onPick={(id) => update({ run: id })} />
      {detail ? <RunDetails detail={detail} onClose={() => update({ run: "" })} /> : null}
    </section>
  );
}
