/** An API error as the user sees it: code, message and did-you-mean suggestions (clickable when a pick handler is given). */
import { ApiError } from "../api";

export function ErrorBox(props: { error: unknown; onPick?: (suggestion: string) => void }) {
  const { error } = props;
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const message = e ? e.message : (error as Error).message ?? String(error);
  return (
    <div class="error" role="alert">
      {e ? <code>{e.code}</code> : null} {message}
      {e && e.didYouMean.length > 0 ? (
        <div class="did-you-mean">
          Did you mean{" "}
          {e.didYouMean.map((s, i) => (
            <span key={s}>
              {i > 0 ? ", " : ""}
              {props.onPick ? (
                <button type="button" class="link" onClick={() => props.onPick?.(s)}>
                  {s}
                </button>
              ) : (
                <strong>{s}</strong>
              )}
            </span>
          ))}
          ?
        </div>
      ) : null}
    </div>
  );
}
