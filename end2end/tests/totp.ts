// Time-based one-time codes as an authenticator app makes them (RFC 6238:
// HMAC-SHA-1, six digits, 30-second steps), for signing in with two-factor.
//
// The portal accepts each step's code once per account, so after a code has
// been used the next one must come from a later step: `waitForStepAfter`.
import { createHmac } from "node:crypto";

export const STEP_SECONDS = 30;
const DIGITS = 6;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decodes RFC 4648 base32, ignoring spaces (the page groups the key in fours) and padding. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/[\s=]/g, "").toUpperCase()) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error(`${JSON.stringify(text)} is not base32 (at ${JSON.stringify(char)})`);
    buffer = ((buffer << 5) | value) & 0xfff; // never more than 12 bits pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The time step `at` (milliseconds since the epoch) falls in. */
export function stepAt(at: number = Date.now()): number {
  return Math.floor(at / 1000 / STEP_SECONDS);
}

/** The code for `step` (RFC 4226 HOTP with the step as the counter). */
export function codeForStep(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, "0");
}

/** The code an authenticator app shows now, and the step it belongs to. */
export function currentCode(secret: string): { code: string; step: number } {
  const step = stepAt();
  return { code: codeForStep(secret, step), step };
}

/**
 * Six digits that are not the code of any step near now (the portal accepts
 * one step either side), so the portal must refuse them.
 */
export function wrongCode(secret: string): string {
  const now = stepAt();
  const near = new Set([-2, -1, 0, 1, 2].map((d) => codeForStep(secret, now + d)));
  for (let n = 123_456; ; n = (n + 1) % 10 ** DIGITS) {
    const candidate = String(n).padStart(DIGITS, "0");
    if (!near.has(candidate)) return candidate;
  }
}

/** Waits (at most one step) until the clock is past `step`, plus a small margin. */
export async function waitForStepAfter(step: number): Promise<void> {
  const next = (step + 1) * STEP_SECONDS * 1000;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 250));
}
