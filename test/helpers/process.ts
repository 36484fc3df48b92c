/**
 * Child processes for tests that check what a user sees at the command line: start a command and
 * wait for a line it prints (failing at once, with its output, when it exits first), or run one to
 * completion under a time limit. Output is kept so assertions can read exactly what a user would.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Node running a TypeScript entry point in one process (`node --import tsx script`), resolved from
 * the working directory. Not the `tsx` command: that is a parent process relaying signals to a child,
 * and on a busy machine its relay gives the child 30 ms to acknowledge a SIGTERM before it SIGKILLs it,
 * so a test stopping a server through it would see exit 143 and an orphaned database.
 */
export function tsxCommand(script: string, ...args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}

export interface Started {
  child: ChildProcess;
  /** The match of the awaited pattern. */
  match: RegExpExecArray;
  output(): string;
  /** SIGTERM (SIGKILL after graceMs) and wait for the exit; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startUntil(command: string, args: string[], options: SpawnOptions, pattern: RegExp, timeoutMs = 90_000): Promise<Started> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async (graceMs = 25_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return child.exitCode;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(1000);
      reject(new Error(`no ${pattern} within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = pattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before printing ${pattern}:\n${output.slice(-4000)}`));
    });
  });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  timedOut: boolean;
}

/** Runs a command to completion; kills it (timedOut) after timeoutMs. */
export function runToExit(command: string, args: string[], options: SpawnOptions, timeoutMs = 60_000): Promise<Finished> {
  const t0 = Date.now();
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - t0) / 1000, timedOut });
    });
  });
}
