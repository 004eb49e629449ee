// Types of integrity.mjs.
export interface Queryable {
  query(text: string): Promise<Record<string, unknown>[]>;
}
export function integrityCounts(database: Queryable): Promise<Record<string, number>>;
export function storedEmails(database: Queryable): Promise<Set<string>>;
