// @kibo-auth/spec-diff: compare two OpenAPI 3.x documents and classify every change the way a
// client author would (breaking, non-breaking, deprecation, documentation-only).
//
//   const base = await loadSpec(oldText, "base", "main");
//   const head = await loadSpec(newText, "head", "working tree");
//   const changes = diffSpecs(base, head);
//   renderMarkdown({ base: base.label, head: head.label, changes });
export { compareChanges, diffSpecs } from "./diff-specs.js";
export { type Side, SpecError, UsageError } from "./errors.js";
export { dereferenceSpec, loadSpec, parseSpecText } from "./load-spec.js";
export { EXIT_BREAKING, EXIT_OK, EXIT_USAGE, type Io, main } from "./main.js";
export {
  formatValue,
  type ReportInput,
  renderJson,
  renderMarkdown,
  renderText,
  summarize,
  summaryLine,
} from "./render.js";
export { DEFAULT_SPEC_PATH, readSource, workingTreeSpec } from "./source.js";
export {
  type Change,
  CLASSIFICATIONS,
  type Classification,
  type Direction,
  type LoadedSpec,
  type Summary,
} from "./types.js";
