/** The run store on PostgreSQL: the shared contract in a schema of its own (dropped after). Skipped without PostgreSQL. */
import { afterAll, describe } from "vitest";
import { openStore } from "../../src/store/index";
import { dropPgSchema, PG_UP, pgUrl } from "./helpers";
import { storeContract } from "./store-contract";

const urls = new Map<string, string>();
afterAll(async () => {
  for (const url of urls.values()) await dropPgSchema(url);
});

describe.skipIf(!PG_UP)("run store on PostgreSQL (127.0.0.1:5432, database test)", () => {
  // each store key gets a schema of its own, as each SQLite store its own file
  storeContract(async (key) => {
    if (!urls.has(key)) urls.set(key, pgUrl(key));
    return openStore(urls.get(key) as string);
  });
});
