// Rewrites a dereferenced document so that every operation carries what applies to it: the
// path item's parameters merged into its own, and its servers. What a client sees of an
// operation then lives in one place, and a change at the path-item level is reported for each
// operation it reaches. Security is taken out here and compared on its own (security.ts),
// because "which credentials are enough" is a question about the whole requirement list.

type Json = Record<string, unknown>;

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export interface OperationInfo {
  /** `POST /commerce/customer/accounts/Add-Account-And-Login` (`POST orderCreated (webhook)`). */
  label: string;
  /** Webhooks are requests the API sends: for them request and response trade places. */
  webhook: boolean;
  /** The effective security requirement: the operation's, else the document's; [] for none. */
  security: unknown[];
}

export interface Normalized {
  document: Json;
  /** Keyed by `paths\u0000<path>\u0000<method>` (or webhooks). */
  operations: Map<string, OperationInfo>;
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const operationKey = (section: string, path: string, method: string) =>
  `${section}\u0000${path}\u0000${method}`;

export function operationLabel(section: string, path: string, method: string): string {
  return section === "webhooks"
    ? `${method.toUpperCase()} ${path} (webhook)`
    : `${method.toUpperCase()} ${path}`;
}

function parameterId(parameter: unknown): string | undefined {
  return isObject(parameter) ? `${String(parameter.in)}\u0000${String(parameter.name)}` : undefined;
}

/** Path-item parameters first, overridden by an operation's parameter of the same name and place. */
function mergeParameters(shared: unknown, own: unknown): unknown[] | undefined {
  const sharedList = Array.isArray(shared) ? shared : [];
  const ownList = Array.isArray(own) ? own : [];
  if (sharedList.length === 0 && ownList.length === 0) return undefined;
  const ownIds = new Set(ownList.map(parameterId));
  return [...sharedList.filter((p) => !ownIds.has(parameterId(p))), ...ownList];
}

function normalizeSection(
  section: "paths" | "webhooks",
  items: Json,
  rootSecurity: unknown,
  operations: Map<string, OperationInfo>,
): Json {
  const out: Json = {};
  for (const [path, rawItem] of Object.entries(items)) {
    if (!isObject(rawItem)) {
      out[path] = rawItem;
      continue;
    }
    const { parameters, servers, ...rest } = rawItem;
    const item: Json = {};
    for (const [key, value] of Object.entries(rest)) {
      if (!HTTP_METHODS.includes(key) || !isObject(value)) {
        item[key] = value;
        continue;
      }
      const { security, ...operation } = value;
      const merged = mergeParameters(parameters, operation.parameters);
      if (merged) operation.parameters = merged;
      if (operation.servers === undefined && servers !== undefined) operation.servers = servers;
      const effective = security ?? rootSecurity ?? [];
      operations.set(operationKey(section, path, key), {
        label: operationLabel(section, path, key),
        webhook: section === "webhooks",
        security: Array.isArray(effective) ? effective : [],
      });
      item[key] = operation;
    }
    out[path] = item;
  }
  return out;
}

export function normalize(document: Json): Normalized {
  const operations = new Map<string, OperationInfo>();
  const { security, ...rest } = document;
  const out: Json = { ...rest };
  if (isObject(document.paths)) {
    out.paths = normalizeSection("paths", document.paths, security, operations);
  }
  if (isObject(document.webhooks)) {
    out.webhooks = normalizeSection("webhooks", document.webhooks, security, operations);
  }
  return { document: out, operations };
}
