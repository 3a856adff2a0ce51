/** Regenerates docs/errors.md and docs/cli.md from the code (`npm run docs:generate`). */
import { writeFileAtomic } from "../src/core/atomic-write";
import { renderCliDocs, renderErrorDocs } from "../src/core/docs";
import { renderNumberDocs } from "../src/core/numbers";
import { buildProgram } from "../src/cli/main";
import { buildOpenApi, renderApiDocs } from "../src/server/openapi";
import { scenarioJsonSchema } from "../src/scenarios/index";

writeFileAtomic("docs/errors.md", renderErrorDocs());
writeFileAtomic("docs/cli.md", renderCliDocs(await buildProgram()));
writeFileAtomic("docs/api.md", renderApiDocs(buildOpenApi("docs")));
writeFileAtomic("docs/numbers.md", renderNumberDocs());
writeFileAtomic("docs/scenario.schema.json", scenarioJsonSchema());
console.log("wrote docs/errors.md, docs/cli.md, docs/numbers.md and docs/scenario.schema.json");
