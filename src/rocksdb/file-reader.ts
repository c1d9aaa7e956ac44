/**
 * Read-only positioned reads of one file (never the whole file): fs.openSync(path, 'r') and
 * readSync at explicit offsets. Short reads are retried; reading past the end is 'truncated'.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { truncated } from '../errors.js';

export class FileReader {
  readonly path: string;
  readonly size: number;
  private fd: number | undefined;

  private constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.fd = fd;
    this.size = size;
  }

  static open(path: string): FileReader {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      return new FileReader(path, fd, st.size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Read exactly `length` bytes at `offset` into a fresh buffer. */
  read(offset: number, length: number, what = 'bytes'): Buffer {
    if (this.fd === undefined) throw new Error(`FileReader for ${this.path} is closed`);
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw truncated(`${what} extend past the end of the file`, {
        file: this.path,
        offset,
        expected: `${length} bytes at ${offset}`,
        found: `file size ${this.size}`,
      });
    }
    const buf = Buffer.allocUnsafe(length);
    this.readInto(buf, offset, length, what);
    return buf;
  }

  /** Read exactly `length` bytes at `offset` into buf[0, length) (a reused read-ahead buffer). */
  readInto(buf: Uint8Array, offset: number, length: number, what = 'bytes'): void {
    if (this.fd === undefined) throw new Error(`FileReader for ${this.path} is closed`);
    if (offset < 0 || length < 0 || offset + length > this.size || length > buf.length) {
      throw truncated(`${what} extend past the end of the file`, {
        file: this.path,
        offset,
        expected: `${length} bytes at ${offset}`,
        found: `file size ${this.size}`,
      });
    }
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) {
        throw truncated(`${what}: file ended while reading`, {
          file: this.path,
          offset: offset + done,
          expected: `${length} bytes at ${offset}`,
          found: `${done} bytes`,
        });
      }
      done += n;
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
