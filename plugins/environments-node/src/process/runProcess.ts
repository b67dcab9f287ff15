import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Options for {@link runProcess}.
 *
 * @public
 */
export type RunProcessOptions = {
  /** Executable name or path; never a shell command line. */
  command: string;
  /** Arguments, passed as an array so no value is ever interpreted by a shell. */
  args: string[];
  cwd?: string;
  /** Environment added to a minimal inherited one (PATH, HOME). */
  env?: Record<string, string>;
  /** Each output line, already masked. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Applied to every line before it is logged or kept. */
  mask?: (text: string) => string;
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Keep stdout whole (e.g. JSON output) instead of streaming it line by line. */
  captureStdout?: boolean;
};

/**
 * What a finished process produced; stdout only when captured.
 *
 * @public
 */
export type RunProcessResult = {
  exitCode: number;
  stdout: string;
  /** The last stderr lines (masked), for error messages. */
  stderrTail: string[];
};

/**
 * A tool exited non-zero; the message carries its last (masked) stderr lines.
 *
 * @public
 */
export class ProcessError extends Error {
  constructor(message: string, readonly result: RunProcessResult) {
    super(message);
    this.name = 'ProcessError';
  }
}

const STDERR_TAIL_LINES = 20;

/**
 * Runs a tool as a child process without a shell. The child gets only PATH and HOME from this
 * process plus what the caller passes, so backend secrets in the environment never reach a tool.
 *
 * @public
 */
export async function runProcess(
  options: RunProcessOptions,
): Promise<RunProcessResult> {
  const mask = options.mask ?? ((text: string) => text);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
  });
  let stdout = '';
  const stderrTail: string[] = [];
  const done = Promise.all([
    options.captureStdout
      ? (async () => {
          for await (const chunk of child.stdout) stdout += chunk;
        })()
      : forEachLine(child.stdout, line =>
          options.onLine?.(mask(line), 'stdout'),
        ),
    forEachLine(child.stderr, line => {
      const masked = mask(line);
      stderrTail.push(masked);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      options.onLine?.(masked, 'stderr');
    }),
  ]);
  const timer = options.timeoutMs
    ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs)
    : undefined;
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) =>
        resolve(code ?? (signal ? 128 : 1)),
      );
    });
    await done;
    const result = { exitCode, stdout: mask(stdout), stderrTail };
    if (exitCode !== 0) {
      throw new ProcessError(
        `${options.command} ${options.args[0] ?? ''} failed (exit ${exitCode})${
          stderrTail.length ? `: ${stderrTail.slice(-5).join(' | ')}` : ''
        }`,
        result,
      );
    }
    return result;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function forEachLine(
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
) {
  for await (const line of createInterface({ input: stream })) {
    if (line.trim() !== '') onLine(line);
  }
}
