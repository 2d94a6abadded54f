import { Breaker, type Clock, type Transition } from '../src/breaker';

/** Time that moves only when the test says so. */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  /** Runs every timer due within `ms`, in order, letting promises settle after each. */
  async advance(ms: number) {
    const until = this.t + ms;
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > until) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
    }
    this.t = until;
    await flush();
  }
  get pending() {
    return this.timers.length;
  }
}
const flush = () => new Promise((r) => setImmediate(r));

/** A probe the test answers by hand, counting how many are out at once. */
function probes() {
  const out: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let sent = 0;
  return {
    probe: () =>
      new Promise<void>((resolve, reject) => {
        sent++;
        out.push({ resolve, reject });
      }),
    get sent() {
      return sent;
    },
    get waiting() {
      return out.length;
    },
    answer: () => out.shift()!.resolve(),
    fail: (reason = 'unreachable') => out.shift()!.reject(new Error(reason)),
  };
}

const options = { failureThreshold: 3, probeIntervalMs: 500, probeMaxIntervalMs: 4000 };

function setup() {
  const clock = new FakeClock();
  const p = probes();
  const transitions: Transition[] = [];
  const breaker = new Breaker(options, p.probe, (t) => transitions.push(t), clock);
  const states = () => transitions.map((t) => `${t.from}>${t.to}`);
  return { clock, p, breaker, transitions, states };
}

test('opens after exactly N consecutive failures, with no traffic volume needed', () => {
  const { breaker, transitions } = setup();
  breaker.failure();
  breaker.failure();
  expect(breaker.state).toBe('closed');
  expect(breaker.allows).toBe(true);
  breaker.failure();
  expect(breaker.state).toBe('open');
  expect(breaker.allows).toBe(false);
  expect(transitions).toEqual([{ from: 'closed', to: 'open', failures: 3 }]);
});

test('a success in between starts the count again', () => {
  const { breaker } = setup();
  breaker.failure();
  breaker.failure();
  breaker.success();
  breaker.failure();
  breaker.failure();
  expect(breaker.state).toBe('closed');
  breaker.failure();
  expect(breaker.state).toBe('open');
});

test('opening aborts what was waiting on the subgraph', () => {
  const { breaker } = setup();
  const signal = breaker.openSignal;
  expect(signal.aborted).toBe(false);
  for (let i = 0; i < 3; i++) breaker.failure();
  expect(signal.aborted).toBe(true);
});

test('one probe at a time after the interval; the first success closes it', async () => {
  const { clock, p, breaker, states } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  await clock.advance(499);
  expect(p.sent).toBe(0);
  await clock.advance(1);
  expect(p.sent).toBe(1);
  expect(breaker.state).toBe('half-open');
  expect(breaker.allows).toBe(false);
  // Requests failing or succeeding meanwhile change nothing: only the probe decides.
  breaker.failure();
  breaker.success();
  await clock.advance(10_000);
  expect(p.sent).toBe(1);
  expect(p.waiting).toBe(1);
  p.answer();
  await clock.advance(0);
  expect(breaker.state).toBe('closed');
  expect(breaker.allows).toBe(true);
  expect(breaker.openSignal.aborted).toBe(false);
  expect(states()).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
  expect(clock.pending).toBe(0);
});

test('probes refused at once back off, doubling up to the maximum', async () => {
  const { clock, p, breaker } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  const sentAt: number[] = [];
  for (let i = 0; i < 6; i++) {
    while (p.waiting === 0) await clock.advance(10);
    sentAt.push(clock.now());
    p.fail();
    await clock.advance(0);
    expect(breaker.state).toBe('open');
  }
  const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]);
  expect(sentAt[0]).toBe(500);
  expect(gaps).toEqual([1000, 2000, 4000, 4000, 4000]);
});

test('after a probe that hung until its own timeout, the next one goes out at once', async () => {
  const { clock, p, breaker, transitions } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  await clock.advance(500);
  await clock.advance(5000); // the probe hangs as long as the subgraph's timeout
  p.fail('no answer within 5000 ms');
  await clock.advance(0);
  expect(p.sent).toBe(2);
  expect(transitions.at(-2)).toEqual({ from: 'half-open', to: 'open', reason: 'no answer within 5000 ms' });
  p.answer();
  await clock.advance(0);
  expect(breaker.state).toBe('closed');
});

test('a closed breaker counts again from zero, and reopens with a fresh probe interval', async () => {
  const { clock, p, breaker } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  for (let i = 0; i < 3; i++) {
    while (p.waiting === 0) await clock.advance(10);
    p.fail();
  }
  while (p.waiting === 0) await clock.advance(10);
  p.answer();
  await clock.advance(0);
  expect(breaker.state).toBe('closed');
  breaker.failure();
  breaker.failure();
  expect(breaker.state).toBe('closed');
  breaker.failure();
  const openedAt = clock.now();
  while (p.waiting === 0) await clock.advance(10);
  expect(clock.now() - openedAt).toBe(500);
});

test('stop ends probing', async () => {
  const { clock, p, breaker } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  breaker.stop();
  await clock.advance(60_000);
  expect(p.sent).toBe(0);
  expect(clock.pending).toBe(0);
});
