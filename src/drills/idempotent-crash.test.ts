import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { drillsEnabled, type Installation, startInstallation } from '../test-support/drills/installation.js';
import { eventRowsByTitle, signInOver, type Target } from '../test-support/drills/load.js';

describe.runIf(drillsEnabled())('drill: kill -9 between the commit and the answer', () => {
  let installation: Installation | undefined;
  afterAll(async () => installation?.destroy());

  it('a retry on another node gets the committed answer at once and writes nothing again', async () => {
    installation = await startInstallation({ workers: 1 });
    const [nodeA, nodeB] = await Promise.all([
      installation.startNode({ imports: ['./src/test-support/drills/crash-after-commit.ts'] }),
      installation.startNode(),
    ]);
    const a: Target = { name: 'A', url: nodeA.url };
    const b: Target = { name: 'B', url: nodeB.url };
    const session = await signInOver(a, installation.workers[0]!.username);
    const key = randomUUID();
    const title = `drill ${key}`;
    const send = (target: Target) =>
      fetch(`${target.url}/api/events`, {
        method: 'POST',
        headers: { ...session.headers, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          source: 'patrol',
          categoryId: installation!.categoryId,
          areaId: installation!.world.tree.cellA.id,
          title,
        }),
        signal: AbortSignal.timeout(30_000),
      });

    // Node A commits the event and its key, then dies before answering: the client sees no answer.
    const lost = await send(a).then(
      (response) => `answered ${response.status}`,
      () => 'no answer',
    );
    expect(lost).toBe('no answer');
    if (nodeA.process.exitCode === null && nodeA.process.signalCode === null)
      await new Promise((resolve) => nodeA.process.once('exit', resolve));
    expect(nodeA.process.signalCode).toBe('SIGKILL');
    const afterCrash = (await eventRowsByTitle(installation.databaseUrl)).get(title);
    expect(afterCrash?.count).toBe(1);

    // The outbox retries on node B at once: the kept answer, not a 409 for the lease nor a second event.
    const startedAt = Date.now();
    const retry = await send(b);
    const text = await retry.text();
    expect(retry.status, text).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const replayed = JSON.parse(text) as { id: number };
    const rows = (await eventRowsByTitle(installation.databaseUrl)).get(title);
    expect(rows?.count).toBe(1);
    expect(rows?.ids).toEqual([replayed.id]);
    console.log(
      `kill -9 after commit: (setup ${installation.setupSeconds.toFixed(0)} s) first attempt ${lost}, node A ${nodeA.process.signalCode}, ` +
        `retry on B ${retry.status} replayed=${retry.headers.get('idempotent-replayed')} in ${Date.now() - startedAt} ms, event rows ${rows?.count}`,
    );
  }, 110_000);
});
