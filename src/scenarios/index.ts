/** The scenarios stage: scenario files, the project library's modifications, runs, comparisons and sweeps. */
export {
  addModificationSchema,
  demandSchema,
  EDIT_KEYS,
  editModificationSchema,
  growthSchema,
  KEYS_OF_TARGET,
  MODIFICATION_TARGETS,
  modificationSchema,
  newLinkSchema,
  parametersSchema,
  projectModificationsSchema,
  projectsSchema,
  scaleEditSchema,
  scenarioFileSchema,
  scenarioJsonSchema,
  selectorSchema,
  setEditSchema,
} from "./schema";
export type { AddModification, EditKey, EditModification, Modification, ModificationTarget, NewLink, ScenarioFile } from "./schema";
