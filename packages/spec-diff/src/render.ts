// The three report formats: Markdown for a pull-request comment, plain text for a terminal,
// JSON for programs. All take the changes in the order diffSpecs returns them.
import { type Change, CLASSIFICATIONS, type Classification, type Summary } from "./types.js";

export interface ReportInput {
  base: string;
  head: string;
  changes: readonly Change[];
}

export function summarize(changes: readonly Change[]): Summary {
  const summary: Summary = {
    breaking: 0,
    "non-breaking": 0,
    deprecation: 0,
    "documentation-only": 0,
  };
  for (const change of changes) summary[change.classification] += 1;
  return summary;
}

const countLabel = (classification: Classification, n: number) =>
  classification === "deprecation"
    ? `${n} deprecation${n === 1 ? "" : "s"}`
    : `${n} ${classification}`;

/** `1 breaking, 2 non-breaking, 0 deprecations, 3 documentation-only`, or `no changes`. */
export function summaryLine(changes: readonly Change[]): string {
  if (changes.length === 0) return "no changes";
  const summary = summarize(changes);
  return CLASSIFICATIONS.map((c) => countLabel(c, summary[c])).join(", ");
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A schema shown as a reader would say it: `string|null (date-time)`, `object {id, name}`. */
function describeSchema(schema: Record<string, unknown>): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.join("|") : schema.type;
  if (typeof type !== "string") {
    if (isObject(schema.properties)) return `object {${Object.keys(schema.properties).join(", ")}}`;
    return undefined;
  }
  const details: string[] = [];
  if (typeof schema.format === "string") details.push(schema.format);
  if (Array.isArray(schema.enum)) details.push(`enum ${schema.enum.map(String).join(", ")}`);
  if (isObject(schema.properties)) return `${type} {${Object.keys(schema.properties).join(", ")}}`;
  return details.length ? `${type} (${details.join("; ")})` : type;
}

const MAX_VALUE = 80;

const clip = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_VALUE ? `${flat.slice(0, MAX_VALUE - 1)}…` : flat;
};

function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  // A parameter or a header: show its schema.
  if (isObject(value) && isObject(value.schema)) {
    return describeSchema(value.schema) ?? JSON.stringify(value);
  }
  if (isObject(value)) return describeSchema(value) ?? JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatValue(value: unknown): string {
  return value === undefined ? "" : clip(valueText(value));
}

/**
 * Before and after, side by side. Two long texts that start alike (a reworded description)
 * are shown from shortly before their first difference, or both would end the same "…".
 */
export function formatPair(before: unknown, after: unknown): [string, string] {
  if (typeof before === "string" && typeof after === "string") {
    const a = before.replace(/\s+/g, " ").trim();
    const b = after.replace(/\s+/g, " ").trim();
    if (Math.max(a.length, b.length) > MAX_VALUE) {
      let common = 0;
      while (common < a.length && a[common] === b[common]) common++;
      if (common > MAX_VALUE / 2) {
        // Start at a word, about twenty characters before the difference.
        const from = a.lastIndexOf(" ", common - 20) + 1;
        return [clip(`…${a.slice(from)}`), clip(`…${b.slice(from)}`)];
      }
    }
  }
  return [formatValue(before), formatValue(after)];
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** A table cell: pipes escaped (GitHub honours `\|` inside code spans in tables too). */
function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

function code(text: string): string {
  if (text === "") return "";
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return cell(`${fence}${pad}${text}${pad}${fence}`);
}

const HEADINGS: Record<Classification, string> = {
  breaking: "Breaking changes",
  "non-breaking": "Non-breaking changes",
  deprecation: "Deprecations",
  "documentation-only": "Documentation-only changes",
};

function mediaTypeNote(change: Change): string {
  return change.mediaType && change.mediaType !== "application/json"
    ? ` (${change.mediaType})`
    : "";
}

/** One line of a report: a change, or the same change in several responses of an operation. */
interface Row {
  change: Change;
  where: string;
}

/**
 * Merges a change that only differs by response status (a shared error schema edited once
 * reaches every error response) into one row: `responses 400, 401, 409`. JSON keeps them apart.
 */
function rows(changes: readonly Change[]): Row[] {
  const merged: { change: Change; statuses: string[]; suffix: string }[] = [];
  const byKey = new Map<string, (typeof merged)[number]>();
  const out: (Row | (typeof merged)[number])[] = [];
  for (const change of changes) {
    const match = /^response (\S+)(.*)$/.exec(change.location);
    if (!match) {
      out.push({ change, where: `${change.location}${mediaTypeNote(change)}` });
      continue;
    }
    const [, status = "", suffix = ""] = match;
    const { location: _location, rule: _rule, ...rest } = change;
    const key = JSON.stringify([rest, suffix]);
    const existing = byKey.get(key);
    if (existing) {
      existing.statuses.push(status);
    } else {
      const entry = { change, statuses: [status], suffix };
      byKey.set(key, entry);
      out.push(entry);
    }
  }
  return out.map((entry) => {
    if ("where" in entry) return entry;
    const { change, statuses, suffix } = entry;
    const location =
      statuses.length === 1 ? change.location : `responses ${statuses.join(", ")}${suffix}`;
    return { change, where: `${location}${mediaTypeNote(change)}` };
  });
}

function markdownTable(changes: readonly Change[]): string[] {
  const lines = rows(changes).map(({ change: c, where }) => {
    const [before, after] = formatPair(c.before, c.after);
    return [
      c.operation ? code(c.operation) : "",
      cell(where),
      code(c.path),
      cell(c.change),
      code(before),
      code(after),
    ].join(" | ");
  });
  return [
    "| Operation | Where | Property | Change | Before | After |",
    "| --- | --- | --- | --- | --- | --- |",
    ...lines.map((line) => `| ${line} |`),
  ];
}

export function renderMarkdown({ base, head, changes }: ReportInput): string {
  const lines = ["### OpenAPI spec diff", ""];
  if (changes.length === 0) {
    lines.push(`**No changes** between ${code(base)} and ${code(head)}.`);
    return `${lines.join("\n")}\n`;
  }
  const summary = summarize(changes);
  const counts = CLASSIFICATIONS.map((c) => countLabel(c, summary[c]));
  counts[0] = summary.breaking ? `**${counts[0]}**` : (counts[0] ?? "");
  lines.push(`${counts.join(", ")}: ${code(base)} → ${code(head)}`);
  for (const classification of CLASSIFICATIONS) {
    const group = changes.filter((c) => c.classification === classification);
    if (group.length === 0) continue;
    const heading = `${HEADINGS[classification]} (${group.length})`;
    if (classification === "documentation-only") {
      // Wording changes rarely need a reviewer's eye: folded so the comment stays short.
      lines.push(
        "",
        `<details><summary>${heading}</summary>`,
        "",
        ...markdownTable(group),
        "",
        "</details>",
      );
    } else {
      lines.push("", `#### ${heading}`, "", ...markdownTable(group));
    }
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Text

export function renderText({ base, head, changes }: ReportInput): string {
  const lines = [`OpenAPI spec diff: ${base} -> ${head}`, summaryLine(changes)];
  for (const classification of CLASSIFICATIONS) {
    const group = changes.filter((c) => c.classification === classification);
    if (group.length === 0) continue;
    lines.push("", `${HEADINGS[classification]} (${group.length}):`);
    for (const { change: c, where } of rows(group)) {
      const place = [c.operation, where, c.path].filter(Boolean).join("  ");
      const [before, after] = formatPair(c.before, c.after);
      const values = [
        c.before !== undefined ? `before: ${before}` : "",
        c.after !== undefined ? `after: ${after}` : "",
      ].filter(Boolean);
      lines.push(`  ${place}: ${c.change}${values.length ? ` (${values.join("; ")})` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// JSON

export function renderJson({ base, head, changes }: ReportInput): string {
  return `${JSON.stringify({ base, head, summary: summarize(changes), changes }, null, 2)}\n`;
}
