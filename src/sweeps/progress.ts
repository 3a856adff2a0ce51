/** A one-line progress bar on stderr for a terminal (nothing otherwise): done/total, failures, elapsed, estimate. */
export interface Progress {
  update(done: number, failed: number): void;
  finish(): void;
}

export function progressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true || total === 0) return { update: () => {}, finish: () => {} };
  const width = 30;
  const t0 = Date.now();
  let shown = false;
  return {
    update(done, failed) {
      const frac = Math.min(1, done / total);
      const filled = Math.round(frac * width);
      const elapsedS = (Date.now() - t0) / 1000;
      const eta = done > 0 && done < total ? `  ~${Math.ceil((elapsedS / done) * (total - done))} s left` : "";
      stream.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} jobs${failed > 0 ? `  ${failed} failed` : ""}  ${elapsedS.toFixed(1)} s${eta}\x1b[K`);
      shown = true;
    },
    finish() {
      if (shown) stream.write("\n");
    },
  };
}
