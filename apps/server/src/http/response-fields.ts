// responseFields: "a,b(c,d(e))" -> a selection tree, applied to the serialised body last.
// A selection applies to an object's keys, or to each element of an array.
import { InvalidParameterError } from "./errors.js";

/** name -> nested selection (null: take the whole value). */
export type Selection = Map<string, Selection | null>;

const NAME = /^[A-Za-z0-9_$]+$/;

export function parseResponseFields(expression: string): Selection {
  let at = 0;
  const fail = (why: string): never => {
    throw new InvalidParameterError(`Missing or invalid parameter: responseFields ${why}`, [
      { name: "responseFields", value: why },
    ]);
  };
  const parseList = (depth: number): Selection => {
    const selection: Selection = new Map();
    for (;;) {
      let name = "";
      while (at < expression.length && !",()".includes(expression[at] ?? "")) {
        name += expression[at];
        at += 1;
      }
      name = name.trim();
      if (!NAME.test(name)) fail(`has an empty or invalid field name at position ${at}`);
      let nested: Selection | null = null;
      if (expression[at] === "(") {
        at += 1;
        nested = parseList(depth + 1);
        if (expression[at] !== ")") fail(`is missing a ")" at position ${at}`);
        at += 1;
      }
      selection.set(name, mergeSelections(selection.get(name), nested));
      if (expression[at] === ",") {
        at += 1;
        continue;
      }
      if (expression[at] === ")" && depth > 0) return selection;
      if (at >= expression.length && depth === 0) return selection;
      return fail(`has an unexpected "${expression[at] ?? "end"}" at position ${at}`);
    }
  };
  return parseList(0);
}

function mergeSelections(a: Selection | null | undefined, b: Selection | null): Selection | null {
  if (a === undefined) return b;
  if (a === null || b === null) return null;
  const merged: Selection = new Map(a);
  for (const [key, value] of b) merged.set(key, mergeSelections(merged.get(key), value));
  return merged;
}

export function applySelection(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((item) => applySelection(item, selection));
  if (value === null || typeof value !== "object") return value;
  const picked: Record<string, unknown> = {};
  for (const [key, nested] of selection) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    picked[key] = nested === null ? child : applySelection(child, nested);
  }
  return picked;
}
