// Security requirements compared by meaning, not by array position. A requirement list is a set
// of alternatives (OR); each alternative is a set of schemes (AND) with scopes. A client that
// satisfies one of the old alternatives must still satisfy one of the new ones, or it breaks.
// api-smart-diff compares the arrays index by index, which cannot tell "another way to log in
// was added" (harmless) from "a token is now needed" (breaking).

type Alternative = Map<string, Set<string>>;

function alternatives(requirement: readonly unknown[]): Alternative[] {
  // No requirement at all means anonymous access: one alternative that asks for nothing.
  if (requirement.length === 0) return [new Map()];
  return requirement.map((entry) => {
    const alt: Alternative = new Map();
    if (typeof entry === "object" && entry !== null) {
      for (const [scheme, scopes] of Object.entries(entry)) {
        alt.set(scheme, new Set(Array.isArray(scopes) ? scopes.map(String) : []));
      }
    }
    return alt;
  });
}

/** Does every client holding `held` also hold what `needed` asks for? */
function satisfies(held: Alternative, needed: Alternative): boolean {
  for (const [scheme, scopes] of needed) {
    const have = held.get(scheme);
    if (!have) return false;
    for (const scope of scopes) if (!have.has(scope)) return false;
  }
  return true;
}

function describeAlternative(alt: Alternative): string {
  if (alt.size === 0) return "none";
  return [...alt]
    .map(([scheme, scopes]) => (scopes.size ? `${scheme} (${[...scopes].join(", ")})` : scheme))
    .join(" and ");
}

/** `appToken`, `appToken or apiKey`, `none`: how the report shows a requirement list. */
export function describeSecurity(requirement: readonly unknown[]): string {
  return alternatives(requirement).map(describeAlternative).join(" or ");
}

export interface SecurityVerdict {
  breaking: boolean;
  change: string;
}

/** undefined when both lists mean the same thing. */
export function compareSecurity(
  before: readonly unknown[],
  after: readonly unknown[],
): SecurityVerdict | undefined {
  const old = alternatives(before);
  const now = alternatives(after);
  const oldCovered = old.every((held) => now.some((needed) => satisfies(held, needed)));
  const nowCovered = now.every((held) => old.some((needed) => satisfies(held, needed)));
  if (oldCovered && nowCovered) return undefined;
  if (!oldCovered) {
    const wasOpen = old.some((alt) => alt.size === 0);
    return {
      breaking: true,
      change: wasOpen ? "security requirement added" : "security requirement changed",
    };
  }
  return { breaking: false, change: "security requirement relaxed" };
}
