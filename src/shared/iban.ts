/**
 * IBAN (ISO 13616): two letters of country, two check digits, then up to 30 letters and
 * digits. Written upper case and without spaces here.
 */

/** The shape alone: test files' IBANs often fail the check digits. */
export const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;

/** Whether `text` (upper case, no spaces) is an IBAN: its shape, and mod 97 = 1. */
export function isIban(text: string): boolean {
  if (!IBAN_SHAPE.test(text)) return false;
  const moved = text.slice(4) + text.slice(0, 4);
  const digits = moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return BigInt(digits) % 97n === 1n;
}
