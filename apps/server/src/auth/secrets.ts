// Random tokens and their stored form. Tokens leave the server only in responses; the
// database keeps their SHA-256, so a leaked table cannot be replayed.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 random bits, base64url: unguessable bearer tokens and secrets. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Compares two secrets' hashes in constant time (equal-length hex digests). */
export function sameSecret(presented: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
