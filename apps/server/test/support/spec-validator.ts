// The behaviour layer of the drift guard, for the tests: every response a suite provokes is
// checked against openapi.yaml by the same checker `npm run reliability` uses
// (reliability/lib/spec-check.mjs), and a response that breaks the spec throws SpecViolation.
import { bodyOf, createSpecChecker, type SpecChecker } from "../../reliability/lib/spec-check.mjs";

export {
  createSpecChecker,
  loadSpec,
  META_ROUTE,
  type ObservedResponse,
  SPEC_PATH,
} from "../../reliability/lib/spec-check.mjs";

export class SpecViolation extends Error {
  override name = "SpecViolation";
}

let shared: SpecChecker | undefined;
/** One checker for the whole test run (compiling the spec once). */
export function specValidator(): SpecChecker {
  shared ??= createSpecChecker();
  return shared;
}

/** Reads a response (without consuming it) and throws SpecViolation when it breaks the spec. */
export async function assertMatchesSpec(
  method: string,
  url: string,
  response: Response,
  validator: SpecChecker = specValidator(),
): Promise<void> {
  const { body, problem } = bodyOf(await response.clone().text(), response.headers);
  if (problem) throw new SpecViolation(`${method} ${url}: ${problem}`);
  const problems = validator.check({
    method,
    url,
    status: response.status,
    headers: response.headers,
    body,
  });
  if (problems.length > 0) throw new SpecViolation(problems.join("\n"));
}

/** A fetch that checks every response against the spec before handing it over. */
export function validatingFetch(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await inner(request.clone());
    await assertMatchesSpec(request.method, request.url, response);
    return response;
  };
}
