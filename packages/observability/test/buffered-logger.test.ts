import { spawn } from 'node:child_process';
import path from 'node:path';

// The buffered logger (createBufferedLogger) loses no line when its process stops cleanly, and
// holds none longer than LOG_FLUSH_MS while it runs. Each case is a process of its own, whose
// stdout (a pipe) is where its lines go.
const dist = path.resolve(__dirname, '../dist/index.js');

function run(script: string, onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['-e', `const { createBufferedLogger } = require(${JSON.stringify(dist)});\n${script}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      onLine?.(l, child);
    }
  });
  return new Promise<{ lines: string[]; code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ lines, code, stderr })),
  );
}

const LOG_1000 = `const logger = createBufferedLogger('test');
for (let i = 0; i < 1000; i++) logger.info({ i }, 'graphql request');`;

test.each([
  ['process.exit', `${LOG_1000}\nprocess.exit(0);`],
  ['the end of the event loop', LOG_1000],
  [
    'a SIGTERM handler that exits',
    `${LOG_1000}\nprocess.on('SIGTERM', () => process.exit(0)); process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000);`,
  ],
  ['an uncaught exception', `${LOG_1000}\nsetImmediate(() => { throw new Error('boom'); });`],
])('every line is written when the process stops by %s', async (_name, script) => {
  const { lines, code } = await run(script);
  expect(code).not.toBeNull();
  const logged = lines.filter((l) => l.includes('graphql request')).map((l) => (JSON.parse(l) as { i: number }).i);
  expect(logged).toEqual([...Array(1000).keys()]);
});

test('a line is written within a second while the process runs on', async () => {
  const started = Date.now();
  let seenAfter: number | undefined;
  const { lines } = await run(
    `const logger = createBufferedLogger('test'); logger.info('one line'); setTimeout(() => process.exit(0), 5000);`,
    (line, child) => {
      if (line.includes('one line')) {
        seenAfter = Date.now() - started;
        child.kill('SIGKILL');
      }
    },
  );
  expect(lines.some((l) => l.includes('one line'))).toBe(true);
  // Well before the process's own exit at 5 s: the periodic flush wrote it (start-up included).
  expect(seenAfter).toBeLessThan(4000);
}, 15_000);

test('a warning is written at once, with the lines before it, not at the next periodic flush', async () => {
  // The process logs, then blocks its event loop for 3 s: only a synchronous write can have put the
  // lines on the pipe by then (the periodic flush is a timer, and a blocked loop runs none). The
  // test kills it as soon as it reads the warning, so the exit flush never runs.
  const { lines } = await run(
    `const logger = createBufferedLogger('test'); logger.info('before'); logger.child({ part: 'x' }).warn('Redis connection lost');
     const until = Date.now() + 3000; while (Date.now() < until) {} process.stdout.write(JSON.stringify({ msg: 'late' }) + '\\n'); setTimeout(() => {}, 5000);`,
    (line, child) => {
      if (line.includes('Redis connection lost')) child.kill('SIGKILL');
    },
  );
  expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['before', 'Redis connection lost']);
}, 15_000);
