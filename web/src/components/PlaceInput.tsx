/**
 * Place field with autocomplete (WAI-ARIA combobox): suggestions from /api/v1/places as the user types, arrow keys
 * to move, Enter to pick, Escape to close; when nothing matches, the server's did-you-mean suggestions.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { apiGet, type Place, type PlacesResponse } from "../api";

export function PlaceInput(props: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  const [text, setText] = useState(props.value);
  const [places, setPlaces] = useState<Place[]>([]);
  const [didYouMean, setDidYouMean] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  /** The text the shown suggestions answer; Enter picks only when it is the text in the field. */
  const [listFor, setListFor] = useState("");
  const typed = useRef(false);
  const listId = `${props.id}-list`;

  useEffect(() => {
    setText(props.value);
  }, [props.value]);

  useEffect(() => {
    if (!typed.current) return;
    const q = text.trim();
    if (q.length < 2) {
      setPlaces([]);
      setDidYouMean([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      apiGet<PlacesResponse>("places", { q, limit: 8 }, controller.signal)
        .then((r) => {
          setPlaces(r.places);
          setListFor(q);
          setDidYouMean(r.didYouMean ?? []);
          setActive(r.places.length > 0 ? 0 : -1);
          setOpen(true);
        })
        .catch(() => {
          /* aborted or offline: the route request reports errors */
        });
    }, 120);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const pick = (value: string) => {
    typed.current = false;
    setText(value);
    setOpen(false);
    setPlaces([]);
    setDidYouMean([]);
    props.onChange(value);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(places.length - 1, a + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Enter") {
      if (open && active >= 0 && places[active] && listFor === text.trim()) {
        // Enter picks the highlighted place; a second Enter submits the form
        e.preventDefault();
        pick(places[active].name);
      } else {
        props.onChange(text);
      }
    } else if (e.key === "Escape") {
      setOpen(false);
    }
  };

  const showList = open && (places.length > 0 || didYouMean.length > 0);
  return (
    <div class="place-input">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        value={text}
        onInput={(e) => {
          typed.current = true;
          setText(e.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setTimeout(() => setOpen(false), 150);
          if (text !== props.value) props.onChange(text);
        }}
      />
      {showList ? (
        <div id={listId} role="listbox" class="suggestions" aria-label={`${props.label} suggestions`}>
          {places.map((p, i) => (
            <div
              key={p.id}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              class={i === active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(p.name);
              }}
            >
              {p.name} <span class="muted">
                {p.country} · {p.kind}
              </span>
            </div>
          ))}
          {places.length === 0 && didYouMean.length > 0 ? (
            <div class="did-you-mean">
              No place "{text}". Did you mean{" "}
              {didYouMean.map((s, i) => (
                <span key={s}>
                  {i > 0 ? ", " : ""}
                  <button
                    type="button"
                    class="link"
                    onMouseDown={(e) => {
                      e.preventDefault();
                      pick(s);
                    }}
                  >
                    {s}
                  </button>
                </span>
              ))}
              ?
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
