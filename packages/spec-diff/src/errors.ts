// Named errors, one per failure the CLI reports with exit code 2.

export type Side = "base" | "head";

/** A spec at one side cannot be read, parsed or is not OpenAPI 3.x. The message names the side. */
export class SpecError extends Error {
  override readonly name = "SpecError";
  constructor(
    readonly side: Side,
    readonly reason: string,
  ) {
    super(`${side}: ${reason}`);
  }
}

/** The command line itself is wrong (unknown option, missing --base, bad --format). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
