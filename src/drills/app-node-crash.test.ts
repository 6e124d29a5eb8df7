import { afterAll, describe, expect, it } from 'vitest';
import {
  drillsEnabled,
  type Installation,
  startInstallation,
  twoNodesWithClients,
} from '../test-support/drills/installation.js';
import { eventRowsByTitle, LoadDriver, tally } from '../test-support/drills/load.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(drillsEnabled())('drill: kill -9 of one app node under load', () => {
  let installation: Installation | undefined;
  afterAll(async () => installation?.destroy());

  it('the other node serves on without an error and every acknowledged write is stored once', async () => {
    installation = await startInstallation({ workers: 4 });
    const { nodeA, a, b, clients } = await twoNodesWithClients(installation);
    // As a load balancer would: a node that does not answer gets no more traffic.
    const load = new LoadDriver(clients, {
      categoryId: installation.categoryId,
      areaId: installation.world.tree.cellA.id,
      failover: (from) => (from === a ? b : null),
      giveUpMs: 40_000,
    });
    load.start();
    await sleep(4_000);
    const beforeCrash = load.counter('A').acks;
    await nodeA.crash();
    await sleep(5_000);
    await load.stop();

    const counts = tally(load.acks, await eventRowsByTitle(installation.databaseUrl));
    const onB = load.counter('B');
    console.log(
      `kill -9 drill: (setup ${installation.setupSeconds.toFixed(0)} s) acknowledged ${counts.acknowledged} (A ${load.counter('A').acks}, B ${onB.acks}), ` +
        `found once ${counts.found}, missing ${counts.missing}, duplicates ${counts.duplicates}, ` +
        `errors on B ${onB.errors}, in-flight answers on B ${onB.inFlight}, in doubt ${load.inDoubt.length}, ` +
        `rows ${counts.rows}`,
    );
    expect(beforeCrash).toBeGreaterThan(0);
    expect(onB.acks).toBeGreaterThan(0);
    expect(load.unexpected).toEqual([]);
    expect(onB.errors).toBe(0);
    expect(counts.missing).toBe(0);
    expect(counts.wrongId).toBe(0);
    expect(counts.duplicates).toBe(0);
    expect(counts.found).toBe(counts.acknowledged);
  }, 110_000);
});
