/**
 * Strict reading of what was typed into a number field: whole numbers are only digits (with a sign),
 * decimals are plain decimal notation with an optional exponent (1e-8). JavaScript's Number() would
 * read "0x10" as 16, "" as 0 and " 1 " as 1; here they are mistakes the form names. Pure; unit-tested.
 */
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type Parsed = { ok: true; value: number } | { ok: false; reason: 'empty' | 'not-a-number' | 'not-whole' };

export function parseNumber(text: string, integer: boolean): Parsed {
  const t = text.trim();
  if (t === '') return { ok: false, reason: 'empty' };
  if (integer) {
    if (INTEGER.test(t)) return { ok: true, value: Number(t) };
    return { ok: false, reason: DECIMAL.test(t) ? 'not-whole' : 'not-a-number' };
  }
  if (!DECIMAL.test(t)) return { ok: false, reason: 'not-a-number' };
  const value = Number(t);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: 'not-a-number' };
}

/** A comma- (or space-) separated list; each item parsed strictly. */
export function parseList(text: string, integer: boolean): { items: Parsed[]; raw: string[] } {
  const raw = text.split(/[,\s]+/).filter(Boolean);
  return { items: raw.map((r) => parseNumber(r, integer)), raw };
}
