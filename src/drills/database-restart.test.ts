import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../test-support/notifications-fixtures.js';
import {
  drillsEnabled,
  type Installation,
  startInstallation,
  twoNodesWithClients,
} from '../test-support/drills/installation.js';
import { eventRowsByTitle, LoadDriver, signInOver, tally } from '../test-support/drills/load.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a node may take, once the server is back, to acknowledge a write again. */
const RECOVERY_LIMIT_MS = 10_000;
/** How long a notification committed on one node may take to reach a stream on the other. */
const NOTICE_LIMIT_MS = 5_000;

describe.runIf(drillsEnabled())('drill: PostgreSQL crash-restart under load', () => {
  let installation: Installation | undefined;
  afterAll(async () => installation?.destroy());

  it('both nodes write again within seconds by themselves; nothing acknowledged is lost or stored twice', async () => {
    installation = await startInstallation({ workers: 4 });
    const { nodeA, a, b, clients } = await twoNodesWithClients(installation);
    const load = new LoadDriver(clients, {
      categoryId: installation.categoryId,
      areaId: installation.world.tree.cellA.id,
      giveUpMs: 40_000,
    });
    load.start();
    await sleep(3_000);
    const beforeRestart = load.acks.length;
    const crashAt = Date.now();
    await installation.cluster.restart('immediate');
    const backAt = Date.now();
    // Write on until each node has acknowledged a write sent after the server came back, and a bit more.
    const deadline = backAt + 30_000;
    while (Date.now() < deadline && !(load.firstAckSince('A', backAt) && load.firstAckSince('B', backAt)))
      await sleep(100);
    await sleep(2_000);
    await load.stop();

    // The LISTEN connection of each node came back too: a notification committed through one node
    // reaches a live stream on the other within seconds.
    const reader = installation.world.users.workerA.username;
    const streams = await Promise.all(
      [a, b].map(async (target) =>
        openEventStream(`${target.url}/api/notifications/stream`, (await signInOver(target, reader)).headers),
      ),
    );
    const heard: number[] = [];
    try {
      for (const [from, stream] of [
        [a, streams[1]!],
        [b, streams[0]!],
      ] as const) {
        const title = `notice ${randomUUID()}`;
        const sentAt = Date.now();
        const filed = await fetch(`${from.url}/api/events`, {
          method: 'POST',
          headers: { ...clients[0]!.session.headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            source: 'patrol',
            categoryId: installation.categoryId,
            areaId: installation.world.tree.cellA.id,
            title,
          }),
        });
        expect(filed.status).toBe(201);
        await stream.waitFor((event) => event.data.includes(title), NOTICE_LIMIT_MS);
        heard.push((Date.now() - sentAt) / 1000);
      }
    } finally {
      for (const stream of streams) stream.close();
    }

    const recovery = (node: string) => {
      const ack = load.firstAckSince(node, backAt);
      return ack ? (ack.answeredAt - backAt) / 1000 : null;
    };
    const counts = tally(load.acks, await eventRowsByTitle(installation.databaseUrl));
    console.log(
      `PostgreSQL restart drill: (setup ${installation.setupSeconds.toFixed(0)} s) acknowledged ${counts.acknowledged} (${beforeRestart} before the crash), ` +
        `found once ${counts.found}, missing ${counts.missing}, duplicates ${counts.duplicates}, ` +
        `server down ${((backAt - crashAt) / 1000).toFixed(1)} s, first write after it back: ` +
        `A ${recovery('A')?.toFixed(1)} s, B ${recovery('B')?.toFixed(1)} s, ` +
        `5xx/no answer A ${load.counter('A').errors} B ${load.counter('B').errors}, ` +
        `in-flight answers ${load.counter('A').inFlight + load.counter('B').inFlight}, in doubt ${load.inDoubt.length}, rows ${counts.rows}, ` +
        `notification across nodes after it A→B ${heard[0]?.toFixed(2)} s, B→A ${heard[1]?.toFixed(2)} s`,
    );
    if (!recovery('A') || !recovery('B'))
      console.log(`last error: ${load.lastError}\nnode A printed:\n${nodeA.output().slice(-3000)}`);
    expect(beforeRestart).toBeGreaterThan(0);
    expect(load.unexpected).toEqual([]);
    for (const node of ['A', 'B']) {
      expect(recovery(node), `node ${node} wrote again`).not.toBeNull();
      expect(recovery(node)! * 1000).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    }
    expect(load.inDoubt).toEqual([]);
    expect(counts.missing).toBe(0);
    expect(counts.wrongId).toBe(0);
    expect(counts.duplicates).toBe(0);
    expect(counts.found).toBe(counts.acknowledged);
  }, 115_000);
});
