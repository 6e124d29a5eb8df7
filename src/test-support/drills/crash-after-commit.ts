// Preloaded (`node --import`) into a drill's app node: the node kills itself (SIGKILL, as kill -9)
// right after an idempotent write and its key committed, before it answers — the window in which
// a two-step design lost the answer and let the client's retry write a second time.
import { idempotencyFaultsForTests } from '../../auth/idempotency.js';

idempotencyFaultsForTests.afterCommit = async () => {
  process.kill(process.pid, 'SIGKILL');
};
