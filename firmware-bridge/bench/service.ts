// Starting a built fsbus service for a benchmark: run by its launcher, ready when one of its JSON
// log lines says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Runs the launcher `args[0]` with the rest as arguments, and resolves once one of its JSON log lines satisfies `ready`. */
export async function startService(
  args: string[],
  env: Record<string, string>,
  ready: (entry: Record<string, unknown>) => boolean,
): Promise<{ child: ChildProcess; entry: Record<string, unknown> }> {
  // The launcher itself, as a service manager runs it: its shebang carries Node's flags.
  const [launcher = '', ...rest] = args;
  const child = spawn(launcher, rest, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const entry = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${args.join(' ')} exited with ${String(code)}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (ready(parsed)) resolve(parsed);
      } catch {
        // not a JSON line
      }
    });
  });
  return { child, entry };
}
