import { Writable } from 'node:stream';
import { describeNotifier } from './notifier.cases.js';
import { createConsoleNotifier } from './console-notifier.js';

describeNotifier('console', async () => {
  const lines: string[] = [];
  let broken = false;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (broken) return done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      lines.push(chunk.toString().trimEnd());
      done();
    },
  });
  stream.on('error', () => undefined); // the write callback reports it
  return {
    notifier: createConsoleNotifier(stream),
    shown: () => [...lines],
    breakDestination: () => (broken = true),
    secrets: [],
    cleanup: async () => undefined,
  };
});
