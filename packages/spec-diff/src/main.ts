// The command: arguments in, report out, exit code back. No process globals here, so tests run
// it in-process with their own directory and streams; cli.ts wires it to the real process.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { diffSpecs } from "./diff-specs.js";
import { SpecError, UsageError } from "./errors.js";
import { loadSpec } from "./load-spec.js";
import { renderJson, renderMarkdown, renderText } from "./render.js";
import { DEFAULT_SPEC_PATH, readSource, type SourceContext, workingTreeSpec } from "./source.js";

export const EXIT_OK = 0;
export const EXIT_BREAKING = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: npm run spec:diff -- --base <git-ref|file> [--head <git-ref|file>]
                          [--format markdown|json|text] [--fail-on breaking|none]
                          [--spec <path in repository>] [--output <file>]

  --base     the old spec: a file, a git revision (main, HEAD~1, a SHA) or <rev>:<path>
  --head     the new spec, same forms; default: the working tree's ${DEFAULT_SPEC_PATH}
  --format   text (default), markdown (for a pull-request comment) or json
  --fail-on  breaking (default): exit 1 when a breaking change is found; none: never
  --spec     where the spec lives in the repository for git revisions (default ${DEFAULT_SPEC_PATH})
  --output   write the report to this file instead of standard output (npm prints its own
             banner on standard output unless run with --silent)

Exit codes: 0 no breaking change (or --fail-on none), 1 breaking changes, 2 usage error or a
spec that cannot be read or is not OpenAPI 3.x (the message names the side: base or head).
`;

export interface Io {
  /** Where relative paths and git revisions are resolved: the user's directory. */
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type Format = "markdown" | "json" | "text";

interface Options {
  base: string;
  head: string | undefined;
  format: Format;
  failOn: "breaking" | "none";
  specPath: string;
  output: string | undefined;
}

function parseOptions(argv: readonly string[]): Options | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        base: { type: "string" },
        head: { type: "string" },
        format: { type: "string", default: "text" },
        "fail-on": { type: "string", default: "breaking" },
        spec: { type: "string", default: DEFAULT_SPEC_PATH },
        output: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  if (values.help) return "help";
  const { base, head, format, spec, output } = values;
  const failOn = values["fail-on"];
  if (typeof base !== "string" || base === "") throw new UsageError("--base is required");
  if (head === "") throw new UsageError("--head must not be empty");
  if (output === "") throw new UsageError("--output must not be empty");
  if (format !== "markdown" && format !== "json" && format !== "text") {
    throw new UsageError(`--format must be markdown, json or text (got "${String(format)}")`);
  }
  if (failOn !== "breaking" && failOn !== "none") {
    throw new UsageError(`--fail-on must be breaking or none (got "${String(failOn)}")`);
  }
  return {
    base,
    head: typeof head === "string" ? head : undefined,
    format,
    failOn,
    specPath: typeof spec === "string" ? spec : DEFAULT_SPEC_PATH,
    output: typeof output === "string" ? output : undefined,
  };
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let options: Options | "help";
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`spec-diff: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (options === "help") {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  try {
    const context: SourceContext = { cwd: io.cwd, specPath: options.specPath };
    const baseText = readSource(options.base, "base", context);
    const headText =
      options.head === undefined
        ? workingTreeSpec("head", context)
        : readSource(options.head, "head", context);
    const base = await loadSpec(baseText.text, "base", baseText.label);
    const head = await loadSpec(headText.text, "head", headText.label);
    const changes = diffSpecs(base, head);
    const report = { base: base.label, head: head.label, changes };
    const render = { markdown: renderMarkdown, json: renderJson, text: renderText }[options.format];
    const text = render(report);
    if (options.output === undefined) {
      io.stdout(text);
    } else {
      try {
        writeFileSync(resolve(io.cwd, options.output), text);
      } catch (cause) {
        io.stderr(
          `spec-diff: cannot write --output ${options.output}: ${(cause as Error).message}\n`,
        );
        return EXIT_USAGE;
      }
    }
    const breaking = changes.some((c) => c.classification === "breaking");
    return breaking && options.failOn === "breaking" ? EXIT_BREAKING : EXIT_OK;
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    io.stderr(`${error.message}\n`);
    return EXIT_USAGE;
  }
}
