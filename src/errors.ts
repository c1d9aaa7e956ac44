/**
 * Typed errors shared by every layer. The CLI maps them to exit codes:
 *   UserError -> 1, FormatError/DataError -> 2, anything else -> 2 with "internal error".
 *
 * A FormatError says *where* (file, byte offset) and *what was expected*, so the one-line
 * message an operator sees is enough to find the damage, and a salvage report can list it.
 */

export type FormatErrorCode =
  | 'corruption' // bytes are present but wrong (bad checksum, bad marker, impossible length)
  | 'truncated' // the input ends before the structure does
  | 'unsupported' // a valid format we deliberately do not read (bzip2, merge operands, ...)
  | 'overflow'; // a number does not fit (varint longer than 10 bytes, seq > 2^53, ...)

export interface FormatErrorDetail {
  /** Path of the file the bytes came from, when known. */
  file?: string;
  /** Absolute byte offset in that file (or in the logical record, see `context`). */
  offset?: number;
  /** What the reader expected, e.g. "masked crc32c 0x1234abcd" or "magic 0x88e241b785f4cff7". */
  expected?: string;
  /** What it found instead. */
  found?: string;
  /** Free-form location, e.g. "data block at 4096", "WAL record 12", "key 7a74...". */
  context?: string;
}

export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code: FormatErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;
  readonly context: string | undefined;

  constructor(code: FormatErrorCode, message: string, detail: FormatErrorDetail = {}) {
    super(formatMessage(code, message, detail));
    this.code = code;
    this.file = detail.file;
    this.offset = detail.offset;
    this.expected = detail.expected;
    this.found = detail.found;
    this.context = detail.context;
  }

  /** The same error with file/offset filled in by a caller that knows them. */
  withLocation(file: string | undefined, offset?: number): FormatError {
    return new FormatError(this.code, this.bareMessage(), {
      file: this.file ?? file,
      offset: this.offset ?? offset,
      expected: this.expected,
      found: this.found,
      context: this.context,
    });
  }

  private bareMessage(): string {
    return this.message.replace(/^(corruption|truncated|unsupported|overflow): /, '').replace(/ \(file .*$/, '');
  }
}

function formatMessage(code: FormatErrorCode, message: string, d: FormatErrorDetail): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(`file ${d.file}`);
  if (d.offset !== undefined) parts.push(`offset ${d.offset}`);
  if (d.context !== undefined) parts.push(d.context);
  if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
  if (d.found !== undefined) parts.push(`found ${d.found}`);
  return `${code}: ${message}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** Shorthands so parsers read like the spec. */
export const corruption = (message: string, detail?: FormatErrorDetail): FormatError =>
  new FormatError('corruption', message, detail);
export const truncated = (message: string, detail?: FormatErrorDetail): FormatError =>
  new FormatError('truncated', message, detail);
export const unsupported = (message: string, detail?: FormatErrorDetail): FormatError =>
  new FormatError('unsupported', message, detail);

/**
 * A value that does not decode under its schema (TiDB layer): carries the key so the
 * row can be reported or written to a rejects file.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    message: string,
    readonly keyHex?: string,
    readonly valueHex?: string,
  ) {
    super(keyHex === undefined ? message : `${message} (key ${keyHex})`);
  }
}

/** Bad flag, unknown database/table, unusable path: exit code 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function hex(bytes: Uint8Array, max = 64): string {
  const n = Math.min(bytes.length, max);
  let s = '';
  for (let i = 0; i < n; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > max ? `${s}…(${bytes.length} bytes)` : s;
}
