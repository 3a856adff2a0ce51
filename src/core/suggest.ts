/**
 * "Did you mean" suggestions: the candidates closest to `input` by Damerau–Levenshtein distance on a folded form
 * (lower case, diacritics and punctuation removed), best first. Empty input or no candidate within
 * `maxDistance` gives an empty list.
 */
export function suggest(input: string, candidates: Iterable<string>, limit = 5, maxDistance?: number): string[] {
  const query = fold(input);
  if (query.length === 0) return [];
  const threshold = maxDistance ?? Math.max(2, Math.ceil(query.length / 3));
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    const folded = fold(name);
    let score = editDistance(query, folded);
    if (folded.startsWith(query) || query.startsWith(folded)) score = Math.min(score, 1);
    if (score <= threshold) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** Lower-case, strip diacritics, drop everything but letters and digits. "Xi'an" → "xian", "Małaszewicze" → "malaszewicze". */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "l")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Uint32Array(m + 1);
  let prev = new Uint32Array(m + 1);
  let cur = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}
