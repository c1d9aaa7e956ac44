/**
 * MySQL/TiDB binary DECIMAL ("decimal2bin") and its text form.
 *
 * Sources: pingcap/tidb:pkg/types/mydecimal.go (ToBin/FromBin/ToString/Round, dig2bytes),
 * pingcap/tidb:pkg/util/codec/decimal.go (EncodeDecimal: precision byte + frac byte + bin),
 * tikv/tikv:components/tidb_query_datatype/src/codec/mysql/decimal.rs (read_decimal).
 *
 * Layout of DECIMAL(prec, frac), intg = prec - frac, words of 9 digits, all BE:
 *   [lead int word: intg%9 digits in dig2bytes[intg%9] bytes]
 *   [intg/9 full int words, 4 bytes each]
 *   [frac/9 full frac words, 4 bytes each]
 *   [tail frac word: frac%9 leading fraction digits in dig2bytes[frac%9] bytes]
 * Negative values: every byte complemented. Then byte0 ^= 0x80 (so non-negative starts >= 0x80).
 *   e.g. (14,4) 1234567890.1234 = 81 0d fb 38 d2 04 d2; -1234567890.1234 = 7e f2 04 c7 2d fb 2d.
 * Datum / row-v2 form: precision byte, frac byte, then the bin above.
 */
import { DataError } from '../errors.js';

export const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4] as const;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
export const MAX_PRECISION = 65;
export const MAX_FRAC = 30;

/** A decoded decimal: digits as text, exactly `frac` fraction digits, no leading int zeros. */
export interface Decimal {
  negative: boolean;
  /** Integer digits without leading zeros ("0" when there are none). */
  intPart: string;
  /** Fraction digits (length = number of fraction digits carried). */
  fracPart: string;
}

export function decimalBinSize(precision: number, frac: number): number {
  checkPrecFrac(precision, frac);
  const intg = precision - frac;
  return DIG2BYTES[intg % 9]! + Math.floor(intg / 9) * 4 + Math.floor(frac / 9) * 4 + DIG2BYTES[frac % 9]!;
}

function checkPrecFrac(precision: number, frac: number): void {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_PRECISION) {
    throw new DataError(`decimal precision ${precision} outside 1..${MAX_PRECISION}`);
  }
  if (!Number.isInteger(frac) || frac < 0 || frac > MAX_FRAC || frac > precision) {
    throw new DataError(`decimal frac ${frac} invalid for precision ${precision}`);
  }
}

/** FromBin: decodes the bin of DECIMAL(precision, frac) at `offset`. */
export function decodeDecimalBin(
  buf: Uint8Array,
  offset: number,
  precision: number,
  frac: number,
): { value: Decimal; end: number } {
  const size = decimalBinSize(precision, frac);
  if (offset < 0 || offset + size > buf.length) {
    throw new DataError(`truncated decimal(${precision},${frac}) at offset ${offset}: need ${size} bytes`);
  }
  // a copy (decoded in place below); not buf.slice(): on a Node Buffer that is a view, and the
  // input (a block of the SST reader) would be modified
  const b = new Uint8Array(buf.subarray(offset, offset + size));
  const negative = (b[0]! & 0x80) === 0;
  b[0] = b[0]! ^ 0x80;
  if (negative) for (let i = 0; i < b.length; i++) b[i] = b[i]! ^ 0xff;
  const intg = precision - frac;
  const lead = intg % 9;
  const tail = frac % 9;
  const nInt = Math.floor(intg / 9);
  const nFrac = Math.floor(frac / 9);
  let p = 0;
  let intDigits = '';
  let fracDigits = '';
  const total = (lead > 0 ? 1 : 0) + nInt + nFrac + (tail > 0 ? 1 : 0);
  for (let w = 0; w < total; w++) {
    let digits = 9;
    if (w === 0 && lead > 0) digits = lead;
    else if (w === total - 1 && tail > 0) digits = tail;
    const n = DIG2BYTES[digits]!;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[p + i]!;
    if (v >= POW10[digits]!) {
      throw new DataError(`decimal(${precision},${frac}) word ${v} at byte ${p} exceeds ${digits} digits`);
    }
    p += n;
    const s = String(v).padStart(digits, '0');
    if (w < (lead > 0 ? 1 : 0) + nInt) intDigits += s;
    else fracDigits += s;
  }
  return { value: normalize(negative, intDigits, fracDigits), end: offset + size };
}

/** Datum/row-v2 decimal: precision byte + frac byte + bin. */
export function decodeDecimalWithPrec(
  buf: Uint8Array,
  offset: number,
): { value: Decimal; precision: number; frac: number; end: number } {
  if (offset + 2 > buf.length) throw new DataError(`truncated decimal header at offset ${offset}`);
  const precision = buf[offset]!;
  const frac = buf[offset + 1]!;
  const { value, end } = decodeDecimalBin(buf, offset + 2, precision, frac);
  return { value, precision, frac, end };
}

/** Length in bytes of a precision+frac+bin decimal at `offset` (DecimalPeak). */
export function peekDecimalWithPrec(buf: Uint8Array, offset: number): number {
  if (offset + 2 > buf.length) throw new DataError(`truncated decimal header at offset ${offset}`);
  return 2 + decimalBinSize(buf[offset]!, buf[offset + 1]!);
}

function normalize(negative: boolean, intDigits: string, fracDigits: string): Decimal {
  const intPart = intDigits.replace(/^0+/, '') || '0';
  const zero = intPart === '0' && /^0*$/.test(fracDigits);
  return { negative: negative && !zero, intPart, fracPart: fracDigits };
}

/** Parses decimal text as TiDB stores it in defaults ("-12.50", "3", ".5", "1e2" not accepted). */
export function decimalFromText(text: string): Decimal {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw new DataError(`not a decimal literal: ${JSON.stringify(text)}`);
  }
  return normalize(m[1] === '-', m[2]!, m[3] ?? '');
}

/**
 * Text as TiDB prints it. `scale` is the column's `decimal` (-1 = unspecified): when the value
 * carries more fraction digits it is rounded half-up (away from zero); with `pad` true, fewer
 * digits are right-padded with zeros (used for defaults converted to the column type).
 */
export function formatDecimal(d: Decimal, scale = -1, pad = false): string {
  let { intPart, fracPart } = d;
  if (scale >= 0 && fracPart.length > scale) {
    const keep = intPart + fracPart.slice(0, scale);
    const roundUp = fracPart.charCodeAt(scale) >= 0x35; // '5'
    let digits = keep;
    if (roundUp) digits = incrementDigits(keep);
    const intLen = digits.length - scale;
    intPart = digits.slice(0, intLen).replace(/^0+/, '') || '0';
    fracPart = digits.slice(intLen);
  } else if (scale >= 0 && pad && fracPart.length < scale) {
    fracPart = fracPart.padEnd(scale, '0');
  }
  const zero = intPart === '0' && /^0*$/.test(fracPart);
  const sign = d.negative && !zero ? '-' : '';
  return fracPart.length > 0 ? `${sign}${intPart}.${fracPart}` : `${sign}${intPart}`;
}

function incrementDigits(s: string): string {
  const a = s.split('');
  let i = a.length - 1;
  while (i >= 0) {
    if (a[i] === '9') {
      a[i] = '0';
      i--;
    } else {
      a[i] = String.fromCharCode(a[i]!.charCodeAt(0) + 1);
      return a.join('');
    }
  }
  return '1' + a.join('');
}
