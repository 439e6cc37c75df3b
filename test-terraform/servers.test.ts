import { descendantsOf, startServer, waitFor } from './servers';

/** The harness itself: bounded waits, and processes stopped by PID with their descendants. */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a server that never becomes ready is stopped, and the wait is bounded', async () => {
  const started = Date.now();
  let pid: number | undefined;
  await expect(
    startServer({
      name: 'never ready',
      command: '/bin/sh',
      args: ['-c', 'echo "$$" >&2; exec sleep 60'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      readyTimeoutMs: 1_000,
      ready: async () => false,
    }).catch((e: Error) => {
      pid = Number(/output ---\n(\d+)/.exec(e.message)?.[1]);
      throw e;
    }),
  ).rejects.toThrow(/gave up after 1000 ms waiting for never ready to become ready/);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(pid).toBeGreaterThan(0);
  expect(alive(pid!)).toBe(false);
});

test('a server that exits early fails at once, with its output', async () => {
  const started = Date.now();
  await expect(
    startServer({
      name: 'exits',
      command: '/bin/sh',
      args: ['-c', 'echo cannot start >&2; exit 3'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      readyTimeoutMs: 30_000,
      ready: async () => false,
    }),
  ).rejects.toThrow(/exits exited \(3\)[\s\S]*cannot start/);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('stop() ends the process by its PID and then the helpers it left behind', async () => {
  // GIVEN a server whose child ignores the signal that stops the server (as Nomad's logmon
  // outlives the agent)
  const server = await startServer({
    name: 'with helpers',
    command: '/bin/sh',
    args: ['-c', 'sh -c \'trap "" INT; exec sleep 60\' & sleep 60 & wait'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    readyTimeoutMs: 5_000,
    ready: async () => true,
    stopSignal: 'SIGINT',
  });
  const helpers = await waitFor('two helpers', 5_000, () => {
    const d = descendantsOf(server.pid);
    return d.length >= 2 ? d : undefined;
  });

  // WHEN it is stopped
  await server.stop('SIGINT', 2_000);

  // THEN neither it nor any helper is left
  expect(server.running()).toBe(false);
  expect(helpers.filter((h) => alive(h.pid))).toEqual([]);
});
