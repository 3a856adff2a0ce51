/** Progress of a running job: a determinate bar when the server reports a fraction, else an indeterminate one. */
import { type JobState, progressFraction, progressMessage } from "../api";

export function JobProgress(props: { state: JobState | null; label: string }) {
  const { state } = props;
  if (!state) return null;
  const fraction = progressFraction(state);
  return (
    <div class="job-progress" role="status" aria-live="polite">
      <div class="job-progress-label">
        {props.label}: {progressMessage(state)}
        {fraction !== null ? ` (${Math.round(fraction * 100)} %)` : ""}
      </div>
      <progress max={1} value={fraction ?? undefined} aria-label={`${props.label} progress`} />
    </div>
  );
}
