/** Regenerates docs/errors.md and docs/cli.md from the code (`npm run docs:generate`). */
import { writeFileAtomic } from "../src/core/atomic-write";
import { renderCliDocs, renderErrorDocs } from "../src/core/docs";
import { buildProgram } from "../src/cli/main";

writeFileAtomic("docs/errors.md", renderErrorDocs());
writeFileAtomic("docs/cli.md", renderCliDocs(buildProgram()));
console.log("wrote docs/errors.md and docs/cli.md");
