// Which files this process holds open (Linux /proc), for tests of what a reader releases.
import { readdirSync, readlinkSync } from 'node:fs';

/**
 * How many of this process's file descriptors are open on `.sst` files. Only those: Node and
 * the test runner open and close other descriptors (pipes, eventfds) at times of their own.
 */
export function openSstFiles(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).endsWith('.sst')) n++;
    } catch {
      // closed meanwhile (the directory's own descriptor, among others)
    }
  }
  return n;
}
