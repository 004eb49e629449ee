// Request bodies generated from openapi.yaml's own JSON Schemas, valid and invalid, for
// property tests (test/reliability) and the reliability script alike. The spec is the only
// source: a field added to the spec is generated without touching this file. The judge of
// "valid" is Ajv with ajv-formats on the same schema, as in the response checks, so that the
// generator and the oracle cannot drift apart unnoticed: every generated body is checked.
//
// Supported JSON Schema subset (what openapi.yaml uses in request bodies): $ref to
// #/components/..., type (a name or an array with "null"), object with properties/required,
// string with minLength/maxLength/format (email, date-time)/pattern/enum, integer (int32 bounds
// by format) with minimum/maximum, number, boolean, array with items/minItems/maxItems, and
// the empty schema {} (any JSON value). Anything else throws, so a new keyword in the spec is
// noticed instead of silently ignored.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";

const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };
const KNOWN_KEYWORDS = new Set([
  "$ref",
  "type",
  "description",
  "properties",
  "required",
  "minLength",
  "maxLength",
  "format",
  "pattern",
  "enum",
  "minimum",
  "maximum",
  "items",
  "minItems",
  "maxItems",
  "example",
  "examples",
  "anyOf",
]);
// Keys that would reach Object.prototype if merged with a plain assignment: the hostile
// catalogue sends those on purpose; the generator keeps its unknown keys ordinary.
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Ajv over the spec's components: `validate(ref, value)` answers whether the spec accepts it. */
export function createRequestOracle(spec) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "spec", components: spec.components });
  const compiled = new Map();
  return {
    validate(ref, value) {
      let validate = compiled.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: `spec${ref}` });
        compiled.set(ref, validate);
      }
      const ok = validate(value);
      return { ok, errors: ok ? [] : (validate.errors ?? []) };
    },
  };
}

/** Length of a string as JSON Schema counts it: code points, not UTF-16 code units. */
export const codePoints = (value) => [...value].length;

/**
 * Email addresses in the part of RFC 5321 every validator agrees on: dot-separated atoms of
 * letters, digits, `_`, `+` and `-`, and a host of LDH labels under an alphabetic top-level
 * domain, in mixed case (uniqueness ignores case). The rest of the RFC alphabet (such as `!#$%&'=?^{|}~`
 * and numeric top-level domains) is probed separately, in the spec-drift test.
 */
export function commonEmail() {
  const atom = fc.stringMatching(/^[A-Za-z0-9_+-]{1,10}$/);
  const label = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
  const tld = fc.stringMatching(/^[A-Za-z]{2,6}$/);
  return fc
    .tuple(
      fc.array(atom, { minLength: 1, maxLength: 3 }),
      fc.array(label, { minLength: 1, maxLength: 3 }),
      tld,
    )
    .map(([local, host, top]) => `${local.join(".")}@${host.join(".")}.${top}`);
}

/** RFC 3339 date-times as most producers write them: `T`, `Z` or a `±HH:MM` offset. */
export function commonDateTime() {
  const offset = fc.oneof(
    fc.constant("Z"),
    fc
      .tuple(
        fc.constantFrom("+", "-"),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
  );
  return fc
    .tuple(
      fc.date({
        min: new Date("1900-01-01T00:00:00Z"),
        max: new Date("2199-12-31T23:59:59Z"),
        noInvalidDate: true,
      }),
      fc.integer({ min: 0, max: 3 }),
      offset,
    )
    .map(([date, digits, zone]) => {
      const iso = date.toISOString(); // 2020-01-02T03:04:05.678Z
      const seconds = iso.slice(0, 19);
      const fraction = digits === 0 ? "" : `.${iso.slice(20, 20 + digits)}`;
      return `${seconds}${fraction}${zone}`;
    });
}

const pad = (n) => String(n).padStart(2, "0");

/**
 * Strings as the shopper might type them: mostly printable ASCII, sometimes any Unicode code
 * point at all (astral ones, control characters, U+0000 included). Lengths are in code points,
 * as the spec counts them, and favour the bounds.
 */
export function anyText(minLength, maxLength, unit = defaultUnit()) {
  const lengths = fc.oneof(
    {
      arbitrary: fc.integer({ min: minLength, max: Math.min(maxLength, minLength + 24) }),
      weight: 6,
    },
    { arbitrary: fc.constant(minLength), weight: 1 },
    { arbitrary: fc.constant(maxLength), weight: 1 },
  );
  return lengths.chain((length) => fc.string({ unit, minLength: length, maxLength: length }));
}

function defaultUnit() {
  return fc.oneof(
    { arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }), weight: 8 },
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 },
  );
}

/**
 * Arbitraries for the schema at `ref` (such as `#/components/schemas/CustomerAccountAndAuthInfo`).
 * `valid()` yields values the spec accepts; `invalid()` yields `{ body, mutation, path }`: a
 * valid value broken in exactly one place, and the field path (as the server names fields in
 * `additionalErrorData`: dot-separated, array indexes included, `body` for the whole body).
 */
export function schemaArbitraries(spec, ref, options = {}) {
  const maxArrayItems = options.maxArrayItems ?? 3;
  const maxUnboundedLength = options.maxUnboundedLength ?? 40;
  const email = options.email ?? commonEmail();
  const dateTime = options.dateTime ?? commonDateTime();
  const extraProperties = options.extraProperties ?? true;
  // Top-level properties to always send (and never as null), or never send: a subset of the
  // valid bodies, such as the ones a storefront sends (a password, no imported hash).
  const always = new Set(options.always ?? []);
  const never = new Set(options.never ?? []);
  const cache = new Map();

  const resolve = (schema) => {
    let current = schema;
    const seen = new Set();
    while (current && typeof current.$ref === "string") {
      if (seen.has(current.$ref))
        throw new Error(`recursive $ref ${current.$ref} is not supported`);
      seen.add(current.$ref);
      if (!current.$ref.startsWith("#/")) throw new Error(`only local $ref: ${current.$ref}`);
      current = current.$ref
        .slice(2)
        .split("/")
        .reduce((at, key) => at?.[key], spec);
      if (!current) throw new Error(`unresolved $ref ${schema.$ref}`);
    }
    return current;
  };

  const typesOf = (schema) => {
    // anyOf of plain typed branches (the spec's scalar attribute values): the union of types.
    if (schema.anyOf)
      return [...new Set(schema.anyOf.flatMap((branch) => typesOf(resolve(branch)) ?? []))];
    if (schema.type === undefined) return undefined;
    return Array.isArray(schema.type) ? schema.type : [schema.type];
  };

  const check = (schema) => {
    for (const key of Object.keys(schema)) {
      if (!KNOWN_KEYWORDS.has(key)) throw new Error(`unsupported JSON Schema keyword "${key}"`);
    }
  };

  const unknownKey = fc
    .stringMatching(/^[a-z][A-Za-z0-9]{0,11}$/)
    .filter((key) => !RESERVED_KEYS.has(key));

  const validOf = (rawSchema, depth = 0) => {
    const schema = resolve(rawSchema);
    if (cache.has(schema)) return cache.get(schema);
    check(schema);
    const types = typesOf(schema);
    let arbitrary;
    if (schema.anyOf) {
      arbitrary = fc.oneof(...schema.anyOf.map((branch) => validOf(branch, depth + 1)));
    } else if (!types) {
      arbitrary = fc.jsonValue({ maxDepth: 2 });
    } else {
      const concrete = types.filter((type) => type !== "null");
      const choices = concrete.map((type) => ({
        arbitrary: ofType(type, schema, depth),
        weight: 5,
      }));
      if (types.includes("null")) choices.push({ arbitrary: fc.constant(null), weight: 1 });
      arbitrary = choices.length === 1 ? choices[0].arbitrary : fc.oneof(...choices);
    }
    cache.set(schema, arbitrary);
    return arbitrary;
  };

  const ofType = (type, schema, depth) => {
    switch (type) {
      case "object": {
        const top = depth === 0;
        const properties = Object.fromEntries(
          Object.entries(schema.properties ?? {}).filter(([key]) => !(top && never.has(key))),
        );
        const model = Object.fromEntries(
          Object.entries(properties).map(([key, child]) => [
            key,
            top && always.has(key)
              ? validOf(child, depth + 1).filter((v) => v !== null)
              : validOf(child, depth + 1),
          ]),
        );
        const record = fc.record(model, {
          requiredKeys: [...(schema.required ?? []), ...(top ? [...always] : [])],
          noNullPrototype: true,
        });
        if (!extraProperties) return record;
        // The schemas leave objects open: an unknown property must be accepted (and ignored).
        const extras = fc.oneof(
          { arbitrary: fc.constant({}), weight: 9 },
          {
            arbitrary: fc.dictionary(
              unknownKey.filter((key) => !(key in properties)),
              fc.jsonValue({ maxDepth: 1 }),
              { maxKeys: 2, noNullPrototype: true },
            ),
            weight: 1,
          },
        );
        return fc.tuple(record, extras).map(([known, unknown]) => ({ ...unknown, ...known }));
      }
      case "string": {
        if (schema.enum) return fc.constantFrom(...schema.enum);
        const min = schema.minLength ?? 0;
        const max = schema.maxLength ?? Math.max(min, maxUnboundedLength);
        const fits = (value) => codePoints(value) >= min && codePoints(value) <= max;
        const matches = schema.pattern
          ? (value) => new RegExp(schema.pattern, "u").test(value)
          : () => true;
        if (schema.format === "email") return email.filter((v) => fits(v) && matches(v));
        if (schema.format === "date-time") return dateTime.filter((v) => fits(v) && matches(v));
        if (schema.format) throw new Error(`unsupported string format "${schema.format}"`);
        if (schema.pattern) {
          return fc
            .stringMatching(new RegExp(schema.pattern, "u"), { maxLength: max })
            .filter(fits);
        }
        return anyText(min, max);
      }
      case "integer": {
        const int32 = schema.format === "int32";
        const min = Math.max(
          schema.minimum ?? -Number.MAX_SAFE_INTEGER,
          int32 ? INT32.min : -Infinity,
        );
        const max = Math.min(
          schema.maximum ?? Number.MAX_SAFE_INTEGER,
          int32 ? INT32.max : Infinity,
        );
        return fc.oneof(
          { arbitrary: fc.integer({ min, max }), weight: 4 },
          { arbitrary: fc.constantFrom(min, max), weight: 1 },
        );
      }
      case "number":
        return fc.double({
          noNaN: true,
          noDefaultInfinity: true,
          ...(schema.minimum !== undefined ? { min: schema.minimum } : {}),
          ...(schema.maximum !== undefined ? { max: schema.maximum } : {}),
        });
      case "boolean":
        return fc.boolean();
      case "array": {
        const item = validOf(schema.items ?? {}, depth + 1);
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.max(
          minLength,
          Math.min(schema.maxItems ?? maxArrayItems, maxArrayItems),
        );
        return fc.array(item, { minLength, maxLength });
      }
      default:
        throw new Error(`unsupported type "${type}"`);
    }
  };

  const root = { $ref: ref };
  const valid = () => validOf(root);

  /**
   * Every place of `value` where a mutation can break it, with the schema that governs it:
   * present values, and absent optional properties (where a wrong-typed value can be put).
   */
  const sitesOf = (schema, value, path, sites) => {
    const resolved = resolve(schema);
    sites.push({ path, schema: resolved, present: true });
    const types = typesOf(resolved) ?? [];
    if (value === null || typeof value !== "object") return sites;
    if (Array.isArray(value) && types.includes("array")) {
      value.forEach((item, index) => {
        sitesOf(resolved.items ?? {}, item, [...path, index], sites);
      });
    } else if (!Array.isArray(value) && types.includes("object")) {
      for (const [key, child] of Object.entries(resolved.properties ?? {})) {
        if (Object.hasOwn(value, key)) sitesOf(child, value[key], [...path, key], sites);
        else sites.push({ path: [...path, key], schema: resolve(child), present: false });
      }
    }
    return sites;
  };

  /** The ways to break one site; each answers the new value (or `REMOVE`). */
  const mutationsFor = (site, parentSchema) => {
    const { schema, present } = site;
    const types = typesOf(schema);
    const kinds = [];
    if (!types) return kinds; // the empty schema accepts everything: nothing to break
    const wrongValues = [
      ["a string", "not the right type"],
      ["an integer", 42],
      ["a fraction", 1.5],
      ["a boolean", true],
      ["null", null],
      ["an array", []],
      ["an object", {}],
    ].filter(([, sample]) => !accepts(types, sample));
    for (const [label, sample] of wrongValues) kinds.push([`wrong type: ${label}`, () => sample]);
    if (!present) return kinds;
    if (types.includes("string") && !schema.enum) {
      if (schema.maxLength !== undefined) {
        kinds.push([
          `longer than maxLength ${schema.maxLength}`,
          () => "x".repeat(schema.maxLength + 1),
        ]);
      }
      if (schema.minLength) {
        kinds.push([
          `shorter than minLength ${schema.minLength}`,
          () => "y".repeat(schema.minLength - 1),
        ]);
      }
      if (schema.format === "email") kinds.push(["not an email address", () => "not-an-email"]);
      if (schema.format === "date-time")
        kinds.push(["not a date-time", () => "2026-13-45T25:61:00Z"]);
      if (schema.pattern) {
        // The first of a few strings that breaks this pattern (and only the pattern, if it can).
        const pattern = new RegExp(schema.pattern, "u");
        const breaking = ["plain text, not a hash", "nul\u0000inside", "x", ""].filter(
          (candidate) => !pattern.test(candidate),
        );
        const withinLength = breaking.find(
          (candidate) =>
            codePoints(candidate) <= (schema.maxLength ?? Infinity) &&
            codePoints(candidate) >= (schema.minLength ?? 0),
        );
        const chosen = withinLength ?? breaking[0];
        if (chosen !== undefined) kinds.push(["not matching the pattern", () => chosen]);
      }
    }
    if (schema.enum) kinds.push(["outside the enum", () => "not-one-of-the-values"]);
    if (types.includes("integer")) {
      const int32 = schema.format === "int32";
      const max = schema.maximum ?? (int32 ? INT32.max : undefined);
      const min = schema.minimum ?? (int32 ? INT32.min : undefined);
      if (max !== undefined) kinds.push([`above maximum ${max}`, () => max + 1]);
      if (min !== undefined) kinds.push([`below minimum ${min}`, () => min - 1]);
      if (int32) kinds.push(["beyond int32", () => 2 ** 31]);
    }
    if (types.includes("array") && schema.maxItems !== undefined) {
      kinds.push([
        `more than maxItems ${schema.maxItems}`,
        (current) => {
          const items = Array.isArray(current) ? current : [];
          const filler = items[0] ?? {};
          return [...items, ...Array(schema.maxItems + 1 - items.length).fill(filler)];
        },
      ]);
    }
    const key = site.path[site.path.length - 1];
    if (typeof key === "string" && parentSchema && (parentSchema.required ?? []).includes(key)) {
      kinds.push(["required property missing", () => REMOVE]);
    }
    return kinds;
  };

  const invalid = () =>
    fc
      .tuple(valid(), fc.nat(), fc.nat(), fc.constantFrom(...ROOT_REPLACEMENTS))
      .map(([body, kindIndex, siteIndex, rootReplacement]) => {
        const sites = sitesOf(root, body, [], []);
        const candidates = [];
        for (const site of sites) {
          const parent =
            site.path.length === 0 ? undefined : schemaAt(root, site.path.slice(0, -1), body);
          for (const [mutation, make] of mutationsFor(site, parent)) {
            candidates.push({ site, mutation, make });
          }
        }
        // A kind of mutation first, then a place: rare kinds (a pattern, a maxItems) come up as
        // often as the wrong types that every field offers.
        const kinds = [...new Set(candidates.map((candidate) => familyOf(candidate.mutation)))];
        const kind = kinds[kindIndex % kinds.length];
        const ofKind = candidates.filter((candidate) => familyOf(candidate.mutation) === kind);
        const choice = ofKind[siteIndex % ofKind.length];
        if (!choice || choice.site.path.length === 0) {
          // The whole body replaced by a non-object.
          return { body: rootReplacement, mutation: "body not an object", path: "body" };
        }
        const copy = structuredClone(body);
        const { path } = choice.site;
        const parentValue = path.slice(0, -1).reduce((at, key) => at[key], copy);
        const last = path[path.length - 1];
        const next = choice.make(parentValue[last]);
        if (next === REMOVE) delete parentValue[last];
        else parentValue[last] = next;
        return { body: copy, mutation: choice.mutation, path: path.join(".") };
      });

  /** The (resolved) schema governing the value at `path`. */
  const schemaAt = (schema, path, value) => {
    let current = resolve(schema);
    let at = value;
    for (const key of path) {
      const types = typesOf(current) ?? [];
      if (typeof key === "number" && types.includes("array"))
        current = resolve(current.items ?? {});
      else current = resolve(current.properties?.[key] ?? {});
      at = at?.[key];
    }
    return current;
  };

  return { valid, invalid };
}

const REMOVE = Symbol("remove");
/** "longer than maxLength 100" and "longer than maxLength 32" are one kind of mutation. */
const familyOf = (mutation) => mutation.replace(/ -?\d+$/, "");
const ROOT_REPLACEMENTS = [null, [], "a string", 7, true];

/** Whether a value of this JSON type is allowed by a `type` list. */
function accepts(types, sample) {
  if (sample === null) return types.includes("null");
  if (Array.isArray(sample)) return types.includes("array");
  if (typeof sample === "object") return types.includes("object");
  if (typeof sample === "string") return types.includes("string");
  if (typeof sample === "boolean") return types.includes("boolean");
  if (Number.isInteger(sample)) return types.includes("integer") || types.includes("number");
  return types.includes("number");
}
