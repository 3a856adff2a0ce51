/**
 * Which three-letter codes name an economy: the ISO 3166-1 alpha-3 codes in use (from the i18n-iso-countries package,
 * which follows the ISO 3166 Maintenance Agency's list), the ISO 3166-3 codes of economies that no longer exist (still
 * found in historical trade panels), and XKX, the user-assigned code the World Bank and the European Commission use for
 * Kosovo. Trade files are checked against this list so that a typo is an error, not a silent "rest of world".
 */
import countries from "i18n-iso-countries";
import { suggest } from "./suggest";

/**
 * ISO 3166-3 codes formerly used (ISO 3166 Maintenance Agency, ISO 3166-3:2020): Netherlands Antilles (ANT, 2010),
 * Serbia and Montenegro (SCG, 2006), Yugoslavia (YUG, 2003), East Timor (TMP, 2002), Romania's earlier code (ROM, 2002),
 * Zaire (ZAR, 1997), Czechoslovakia (CSK, 1993), USSR (SUN, 1992), German Democratic Republic (DDR, 1990).
 */
const FORMER_CODES = ["ANT", "SCG", "YUG", "TMP", "ROM", "ZAR", "CSK", "SUN", "DDR"];
/** User-assigned code for Kosovo (World Bank WDI, European Commission). */
const USER_ASSIGNED = ["XKX"];

let known: Set<string> | undefined;

function knownCodes(): Set<string> {
  known ??= new Set([...Object.keys(countries.getAlpha3Codes()), ...FORMER_CODES, ...USER_ASSIGNED]);
  return known;
}

/** True when `code` names an economy (current or former ISO 3166 alpha-3, or XKX). */
export function isEconomyCode(code: string): boolean {
  return knownCodes().has(code);
}

/** Economy codes closest to an unknown one (for "did you mean"). */
export function suggestEconomyCodes(code: string): string[] {
  return suggest(code, knownCodes(), 5, 1);
}
