// Where a spec comes from: a file path, or a git revision read with `git show`.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type Side, SpecError } from "./errors.js";

/** The spec's place in the repository, used when a side names a git revision. */
export const DEFAULT_SPEC_PATH = "openapi/openapi.yaml";

export interface SourceContext {
  /** The directory the user ran the command from (npm's INIT_CWD), for relative paths and git. */
  cwd: string;
  /** Path of the spec inside the repository (`--spec`), relative to the repository root. */
  specPath: string;
}

export interface SourceText {
  label: string;
  text: string;
}

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function gitError(cause: unknown): string {
  const stderr = (cause as { stderr?: string }).stderr?.trim();
  return stderr ? (stderr.split("\n")[0] ?? stderr) : (cause as Error).message;
}

/** The top of the git work tree that holds `cwd`, or undefined outside one. */
export function repositoryRoot(cwd: string): string | undefined {
  try {
    return git(["rev-parse", "--show-toplevel"], cwd).trim();
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads one side. An existing file wins (relative to where the user ran the command); otherwise
 * the argument is a git revision (`main`, `HEAD~1`, a SHA) and the spec is read at that revision,
 * or `<rev>:<path>` to name another file.
 */
export function readSource(arg: string, side: Side, context: SourceContext): SourceText {
  const asPath = resolve(context.cwd, arg);
  if (isFile(asPath)) {
    try {
      return { label: arg, text: readFileSync(asPath, "utf8") };
    } catch (cause) {
      throw new SpecError(side, `cannot read ${arg}: ${(cause as Error).message}`);
    }
  }
  // A leading dash would reach git as an option: refuse it rather than quote it.
  if (arg === "" || arg.startsWith("-")) {
    throw new SpecError(side, `"${arg}" is neither a file nor a git revision`);
  }
  const root = repositoryRoot(context.cwd);
  if (root === undefined) {
    throw new SpecError(
      side,
      `"${arg}" is not a file, and ${context.cwd} is not inside a git repository to read it as a revision`,
    );
  }
  const object = arg.includes(":") ? arg : `${arg}:${context.specPath}`;
  try {
    git(
      ["rev-parse", "--verify", "--quiet", "--end-of-options", `${object.split(":")[0]}^{commit}`],
      root,
    );
  } catch {
    throw new SpecError(side, `"${arg}" is not a file, and not a git revision known here`);
  }
  try {
    // git reads `<rev>:<path>` from the repository root, and `<rev>:./<path>` from the directory
    // it runs in: run it where the user ran the command so both mean what they say.
    return { label: object, text: git(["show", "--end-of-options", object], context.cwd) };
  } catch (cause) {
    throw new SpecError(side, `git cannot read ${object}: ${gitError(cause)}`);
  }
}

/** The working tree's spec, for a missing --head. */
export function workingTreeSpec(side: Side, context: SourceContext): SourceText {
  const root = repositoryRoot(context.cwd);
  if (root === undefined) {
    throw new SpecError(
      side,
      `no --${side} given and ${context.cwd} is not inside a git repository holding ${context.specPath}`,
    );
  }
  const path = resolve(root, context.specPath);
  try {
    return { label: `working tree ${context.specPath}`, text: readFileSync(path, "utf8") };
  } catch (cause) {
    throw new SpecError(side, `cannot read ${path}: ${(cause as Error).message}`);
  }
}
