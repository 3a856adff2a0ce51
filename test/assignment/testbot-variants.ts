/**
 * Variants of the testbot fixture (test/fixtures/testbot) shared by the corridor-assignment tests, applied to a copy
 * of the fixture in a temporary folder.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Harbor moved from KAZ to UZB, with a Gamma–Harbor border crossing (1 h each way) on the Gamma–Harbor links, so
 * traffic between Harbor and China crosses Kazakhstan without starting or ending there.
 */
export function moveHarborToUzbekistan(dir: string): void {
  const places = join(dir, "places/testbot.csv");
  const placesText = readFileSync(places, "utf8");
  if (!placesText.includes("harbor,Harbor,,KAZ")) throw new Error(`${places} has no Harbor row in KAZ`);
  writeFileSync(places, placesText.replace("harbor,Harbor,,KAZ", "harbor,Harbor,,UZB"));
  const links = join(dir, "links/testbot.csv");
  writeFileSync(
    links,
    readFileSync(links, "utf8")
      .split("\n")
      .map((line) => {
        if (!line.startsWith("gamma-harbor-")) return line;
        const fields = line.split(",");
        fields[15] = "gamma-harbor"; // the `border` column
        return fields.join(",");
      })
      .join("\n"),
  );
  const borders = join(dir, "borders/testbot.yaml");
  writeFileSync(
    borders,
    `${readFileSync(borders, "utf8").trimEnd()}
  - id: gamma-harbor
    name: Gamma–Harbor
    countries: [KAZ, UZB]
    places: [gamma, harbor]
    modes: [rail, road]
    dwell:
      - { fromCountry: KAZ, medianH: 1, source: [src:testbot-manual] }
      - { fromCountry: UZB, medianH: 1, source: [src:testbot-manual] }
    source: [src:testbot-manual]
`,
  );
}
