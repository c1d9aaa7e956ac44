/**
 * Float text exactly as TiDB prints it.
 *
 * Go's strconv.FormatFloat(v, fmt, -1, bitSize) = shortest digits that round-trip at that bit
 * size; we get them from ECMAScript (Number#toExponential() is shortest-round-trip for float64;
 * for float32 we search the shortest precision whose value rounds back with Math.fround).
 *
 * FLOAT/DOUBLE columns (pingcap/tidb:pkg/server/internal/dump/dump.go AppendFormatFloat):
 *   NaN/±Inf -> "0"; exponent form when |v| >= 1e15 or 0 < |v| < 1e-15 (compared as float32 for
 *   FLOAT), '+' removed from the exponent; FLOAT in exponent form uses 6 significant digits
 *   ('e', prec 5) with trailing zeros (and a bare '.') removed; otherwise 'f' with shortest digits.
 *   e.g. DOUBLE 1e15 -> "1e15", DOUBLE 0.1 -> "0.1", FLOAT 0.1 -> "0.1", DOUBLE 1e-16 -> "1e-16".
 * JSON doubles (pingcap/tidb:pkg/types/json_binary.go marshalFloat64To, see §6.8 of the spec):
 *   same 1e15 / 1e-15 cut-offs at float64, '+' removed, "e-09" -> "e-9", ".0" appended to an
 *   integral value printed in 'f' form.
 * VECTOR elements (pkg/types/vector.go): strconv.FormatFloat(v, 'f', -1, 32).
 */

export interface ShortestDigits {
  negative: boolean;
  /** Significant digits, no leading/trailing zeros (except "0" for zero). */
  digits: string;
  /** Decimal exponent of the first digit: value = d.ddd × 10^exp. */
  exp: number;
}

function parseExponential(s: string): ShortestDigits {
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const eAt = body.indexOf('e');
  const mant = body.slice(0, eAt).replace('.', '');
  const exp = Number(body.slice(eAt + 1));
  const digits = mant.replace(/0+$/, '') || '0';
  return { negative, digits, exp };
}

/** Shortest round-trip digits of a finite float (bits 64) or float32 value (bits 32). */
export function shortestDigits(v: number, bits: 32 | 64): ShortestDigits {
  if (v === 0) return { negative: Object.is(v, -0), digits: '0', exp: 0 };
  if (bits === 64) return parseExponential(v.toExponential());
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toExponential(p - 1);
    if (Math.fround(Number(s)) === f) return parseExponential(s);
    // The closest p-digit number failed; at a power-of-two boundary a neighbour can still be
    // inside the (asymmetric) rounding interval.
    const d = parseExponential(s);
    const mant = BigInt(f.toExponential(p - 1).replace(/^-/, '').split('e')[0]!.replace('.', ''));
    for (const delta of [-1n, 1n]) {
      const m = (mant + delta).toString();
      const cand = `${d.negative ? '-' : ''}${m[0]}${m.length > 1 ? '.' + m.slice(1) : ''}e${d.exp + (m.length - p)}`;
      if (m !== '0' && Math.fround(Number(cand)) === f) return parseExponential(cand);
    }
  }
  return parseExponential(f.toExponential(8));
}

/** Go 'f' layout of shortest digits. */
function layoutFixed(d: ShortestDigits): string {
  const { digits, exp } = d;
  let s: string;
  if (digits === '0') s = '0';
  else if (exp >= digits.length - 1) s = digits + '0'.repeat(exp - (digits.length - 1));
  else if (exp >= 0) s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  return (d.negative ? '-' : '') + s;
}

/** Go 'e' layout (exponent at least two digits, explicit sign). */
function layoutExp(d: ShortestDigits): string {
  const { digits, exp } = d;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const es = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${d.negative ? '-' : ''}${mant}e${es}`;
}

/** strconv.FormatFloat(v, 'f', -1, bits). */
export function goFormatFixed(v: number, bits: 32 | 64): string {
  return layoutFixed(shortestDigits(v, bits));
}

/** strconv.FormatFloat(v, 'e', -1, bits). */
export function goFormatExp(v: number, bits: 32 | 64): string {
  return layoutExp(shortestDigits(v, bits));
}

const F32_BIG = Math.fround(1e15);
const F32_SMALL = Math.fround(1e-15);

/** TiDB text of a FLOAT (bits 32) or DOUBLE (bits 64) column value. */
export function formatTidbFloat(v: number, bits: 32 | 64): string {
  if (!Number.isFinite(v)) return '0';
  const abs = Math.abs(v);
  let isE: boolean;
  if (bits === 32) {
    const a = Math.fround(abs);
    isE = a >= F32_BIG || (a !== 0 && a < F32_SMALL);
  } else {
    isE = abs >= 1e15 || (abs !== 0 && abs < 1e-15);
  }
  if (!isE) return goFormatFixed(v, bits);
  let s: string;
  if (bits === 32) {
    // strconv 'e' with precision 5 at bitSize 32: 6 significant digits of the float32 value.
    s = Math.fround(v).toExponential(5);
    const eAt = s.indexOf('e');
    let mant = s.slice(0, eAt);
    const exp = Number(s.slice(eAt + 1));
    mant = mant.replace(/\.?0+$/, '');
    s = `${mant}e${exp < 0 ? '-' : ''}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else {
    s = goFormatExp(v, 64).replace('+', '');
  }
  return s;
}

/** TiDB JSON text of a double (marshalFloat64To). */
export function formatJsonDouble(v: number): string {
  if (!Number.isFinite(v)) return goFormatFixed(0, 64); // TiDB never stores NaN/Inf in JSON
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-15 || abs >= 1e15)) {
    let s = goFormatExp(v, 64).replace('+', '');
    s = s.replace(/e-0(\d)$/, 'e-$1');
    return s;
  }
  const s = goFormatFixed(v, 64);
  return s.includes('.') ? s : `${s}.0`;
}
