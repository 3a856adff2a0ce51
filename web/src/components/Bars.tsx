/** Horizontal bars comparing one figure across alternatives (time, cost, CO2), each scaled to the largest. */

export interface BarItem {
  key: string;
  label: string;
  value: number;
  color: string;
  text: string;
}

export function Bars(props: { title: string; items: BarItem[] }) {
  const max = Math.max(0, ...props.items.map((i) => i.value));
  return (
    <figure class="bars">
      <figcaption>{props.title}</figcaption>
      {props.items.map((item) => (
        <div class="bar-row" key={item.key}>
          <span class="bar-label">{item.label}</span>
          <span class="bar-track" aria-hidden="true">
            <span class="bar" style={{ width: `${max > 0 ? (100 * item.value) / max : 0}%`, background: item.color }} />
          </span>
          <span class="bar-value">{item.text}</span>
        </div>
      ))}
    </figure>
  );
}

/** A stacked strip: parts of a whole (e.g. a route's hours: moving by mode, dwell by event type). */
export function Strip(props: { parts: { key: string; value: number; color: string; title: string }[]; label: string }) {
  const total = props.parts.reduce((s, p) => s + p.value, 0);
  return (
    <div class="strip" role="img" aria-label={props.label}>
      {props.parts
        .filter((p) => p.value > 0)
        .map((p) => (
          <span key={p.key} class="strip-part" title={p.title} style={{ width: `${total > 0 ? (100 * p.value) / total : 0}%`, background: p.color }} />
        ))}
    </div>
  );
}
