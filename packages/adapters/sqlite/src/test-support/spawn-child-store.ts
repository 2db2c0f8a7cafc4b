import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildReply {
  readonly ok?: boolean;
  readonly code?: string;
  readonly [key: string]: unknown;
}

/** A `child-store.ts` process: send a command, await its next reply line. */
export interface ChildStore {
  readonly process: ChildProcess;
  send(command: object): void;
  nextReply(): Promise<ChildReply>;
  request(command: object): Promise<ChildReply>;
  /** Resolves with the exit signal or code once the process has ended. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

const script = fileURLToPath(new URL('./child-store.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a real Node process (tsx, source condition) holding its own connection to `path`. */
export async function spawnChildStore(path: string): Promise<ChildStore> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', script, path], {
    cwd: packageRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies: ChildReply[] = [];
  const waiting: Array<(reply: ChildReply) => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const reply = JSON.parse(line) as ChildReply;
    const waiter = waiting.shift();
    if (waiter === undefined) replies.push(reply);
    else waiter(reply);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const nextReply = () =>
    new Promise<ChildReply>((resolve, reject) => {
      const queued = replies.shift();
      if (queued !== undefined) return resolve(queued);
      waiting.push(resolve);
      void exited.then((how) => reject(new Error(`child store exited (${String(how)}) before replying`)));
    });
  const send = (command: object) => child.stdin?.write(`${JSON.stringify(command)}\n`);
  const ready = await nextReply();
  if (ready.ready !== true) throw new Error(`child store did not start: ${JSON.stringify(ready)}`);
  return {
    process: child,
    send,
    nextReply,
    async request(command) {
      send(command);
      return nextReply();
    },
    exited,
  };
}
