/** The pacer that keeps long loops on the main thread from starving pending I/O (see server/eventLoop.ts). */
import { performance } from 'node:perf_hooks';
import { createPacer } from '../../../server/eventLoop';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('createPacer', () => {
  it('when a loop has held the thread for longer than a slice, then pace() lets pending callbacks run before it goes on', async () => {
    const pace = createPacer(5);
    const order: string[] = [];
    setImmediate(() => order.push('pending I/O'));
    for (let i = 0; i < 3; i += 1) {
      busy(6);
      order.push(`step ${i}`);
      await pace();
    }
    expect(order).toEqual(['step 0', 'pending I/O', 'step 1', 'step 2']);
  });

  it('when a loop is quicker than a slice, then pace() returns without giving up the thread', async () => {
    const pace = createPacer(60_000);
    const order: string[] = [];
    setImmediate(() => order.push('pending I/O'));
    for (let i = 0; i < 3; i += 1) {
      order.push(`step ${i}`);
      await pace();
    }
    expect(order).toEqual(['step 0', 'step 1', 'step 2']);
  });
});
