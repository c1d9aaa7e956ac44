/**
 * Worker-thread side of SyncLevel (checkpoint.ts): owns the classic-level (LevelDB) database of
 * the checkpoint, answers requests on a MessagePort and bumps a shared counter after every
 * answer, so the main thread can wait synchronously (Atomics.wait + receiveMessageOnPort).
 * The thread may start before the database's path is known (checkpoint.ts LevelWorker): the
 * first request, 'open', names it.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { ClassicLevel } from 'classic-level';

interface Init {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

export type LevelRequest =
  | { id: number; op: 'open'; path: string }
  | { id: number; op: 'entries' }
  | { id: number; op: 'batch'; puts: [string, string][]; dels: string[] }
  | { id: number; op: 'close' };

export interface LevelResponse {
  id: number;
  ok: boolean;
  error?: string;
  entries?: [string, string][];
}

const { port, signal } = workerData as Init;
const counter = new Int32Array(signal);
/** Created by the first request, 'open' (the thread starts before the path is known). */
let opened: ClassicLevel<string, string> | undefined;

function database(): ClassicLevel<string, string> {
  if (opened === undefined) throw new Error('checkpoint database not opened');
  return opened;
}

function reply(r: LevelResponse): void {
  port.postMessage(r);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

async function handle(m: LevelRequest): Promise<LevelResponse> {
  switch (m.op) {
    case 'open':
      opened = new ClassicLevel<string, string>(m.path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
      await opened.open({ createIfMissing: true });
      return { id: m.id, ok: true };
    case 'entries': {
      const entries: [string, string][] = [];
      for await (const [k, v] of database().iterator()) entries.push([k, v]);
      return { id: m.id, ok: true, entries };
    }
    case 'batch':
      await database().batch(
        [...m.dels.map((key) => ({ type: 'del' as const, key })), ...m.puts.map(([key, value]) => ({ type: 'put' as const, key, value }))],
        { sync: true },
      );
      return { id: m.id, ok: true };
    case 'close':
      await database().close();
      return { id: m.id, ok: true };
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (m: LevelRequest) => {
  queue = queue.then(async () => {
    let r: LevelResponse;
    try {
      r = await handle(m);
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      r = { id: m.id, ok: false, error: e instanceof Error ? `${e.message}${cause}` : String(e) };
    }
    reply(r);
    if (m.op === 'close') port.close();
  });
});
