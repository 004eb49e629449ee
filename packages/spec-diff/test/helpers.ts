// Shared by the test files: where fixtures live, and a quick way to diff two documents.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { diffSpecs } from "../src/diff-specs.js";
import { loadSpec } from "../src/load-spec.js";
import type { Change } from "../src/types.js";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const fixturesDir = fileURLToPath(new URL("./fixtures", import.meta.url));

export const fixturePath = (name: string, side: "base" | "head") =>
  `${fixturesDir}/${name}/${side}.yaml`;

export const readFixture = (name: string, side: "base" | "head") =>
  readFileSync(fixturePath(name, side), "utf8");

export async function diffFixture(name: string): Promise<Change[]> {
  const base = await loadSpec(readFixture(name, "base"), "base", `${name}/base.yaml`);
  const head = await loadSpec(readFixture(name, "head"), "head", `${name}/head.yaml`);
  return diffSpecs(base, head);
}

/** Diffs two documents given as objects (or YAML text). */
export async function diffDocs(base: unknown, head: unknown): Promise<Change[]> {
  const text = (doc: unknown) => (typeof doc === "string" ? doc : stringify(doc));
  return diffSpecs(
    await loadSpec(text(base), "base", "base"),
    await loadSpec(text(head), "head", "head"),
  );
}

/** What a reviewer checks first: class, operation, place, property, what happened. */
export const brief = (c: Change) => ({
  classification: c.classification,
  operation: c.operation,
  location:
    c.mediaType && c.mediaType !== "application/json"
      ? `${c.location} (${c.mediaType})`
      : c.location,
  path: c.path,
  change: c.change,
});

/** A small valid document to build edge cases on. */
export function minimalDoc(paths: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { openapi: "3.1.0", info: { title: "t", version: "1.0.0" }, paths, ...extra };
}

export const ok = (schema: unknown = { type: "object" }) => ({
  "200": { description: "ok", content: { "application/json": { schema } } },
});
