import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabases, postAsGateway, testServerUrl } from '@maillage/testing';

// A write the API acknowledged is never lost: kill the subgraph process (SIGKILL, no shutdown)
// right after acknowledged creates, start it again on the same database, and find every one.
const packageDir = path.resolve(__dirname, '..');

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/index.js'], {
    cwd: packageDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${env.PORT}/ready`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('subgraph did not become ready');
}

const killed = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));

test('acknowledged creates survive a SIGKILL', async () => {
  const server = testServerUrl();
  const dbs = server ? await createDatabases(server, ['durability']) : undefined;
  const port = String(await freePort());
  const env = {
    PORT: port,
    ...(dbs ? { DATABASE_URL: dbs.urls.durability } : { PGLITE_DIR: mkdtempSync(path.join(tmpdir(), 'maillage-durability-')) }),
  };
  const url = `http://127.0.0.1:${port}/graphql`;
  let child = await start(env);
  try {
    const acknowledged: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await postAsGateway<any>(
        url,
        `mutation($n: String!) { createActor(input: { kind: COMPANY, name: $n, communeCode: "12145" }) { id } }`,
        { n: `Durable ${i}` },
      );
      if (res.data?.createActor?.id) acknowledged.push(res.data.createActor.id);
    }
    expect(acknowledged).toHaveLength(25);
    child.kill('SIGKILL');
    await killed(child);

    child = await start(env);
    const res = await postAsGateway<any>(url, `{ actors(search: "durable", first: 100) { totalCount nodes { id } } }`);
    expect(res.data!.actors.totalCount).toBe(25);
    expect(res.data!.actors.nodes.map((n: { id: string }) => n.id).sort()).toEqual(acknowledged.sort());
  } finally {
    child.kill('SIGKILL');
    await killed(child);
    await dbs?.drop();
  }
}, 120_000);
