/** Number formatting for the panels: hours as days, USD, tonnes, kilometres (figures come from the API unchanged). */

const int = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const two = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

export function fmtInt(x: number): string {
  return int.format(x);
}

export function fmt1(x: number): string {
  return one.format(x);
}

export function fmt2(x: number): string {
  return two.format(x);
}

/** 330.3 h → "13.8 d"; under two days in hours. */
export function fmtDuration(timeH: number): string {
  return timeH >= 48 ? `${one.format(timeH / 24)} d` : `${one.format(timeH)} h`;
}

export function fmtUsd(usd: number): string {
  return `USD ${int.format(usd)}`;
}

export function fmtKm(km: number): string {
  return `${int.format(km)} km`;
}

export function fmtCo2(kg: number): string {
  return kg >= 1000 ? `${one.format(kg / 1000)} t CO2e` : `${int.format(kg)} kg CO2e`;
}

/** Million tonnes. */
export function fmtMt(tonnes: number): string {
  return `${two.format(tonnes / 1e6)} Mt`;
}

export function fmtPct(fraction: number): string {
  return `${one.format(fraction * 100)} %`;
}

export function signed(x: number, f: (v: number) => string): string {
  return x > 0 ? `+${f(x)}` : x < 0 ? `−${f(-x)}` : f(0);
}
