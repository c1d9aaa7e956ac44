/**
 * A Map that keeps only its `max` most recently added keys: a chunk worker's per-table decoder
 * and CSV formatter (whose buffers, in WebAssembly memory, reach a few MiB) for the tables it
 * runs now, not for every table of a many-table dump. Chunks come in table order, so a table
 * dropped here is not needed again (if it is, it is simply built again).
 */
export class RecentMap<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(k: K): V | undefined {
    return this.m.get(k);
  }

  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value as K);
  }

  get size(): number {
    return this.m.size;
  }
}
