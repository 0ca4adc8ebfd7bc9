// A child process for the registry's crash, concurrency and restart tests (bundled to plain JS
// by buildRegistryChild so that hundreds of restarts stay fast).
//   node child.cjs loop  ROOT PREFIX [driver pgUrl]        registers runs until killed
//   node child.cjs count ROOT PREFIX N SHARED [driver pgUrl] registers N own + SHARED common runs
//   node child.cjs dump  ROOT [driver pgUrl]               prints every record as JSON
import { openRunRegistry, type RunRegistry } from '@buff/registry';
import { fakeRunId, writeFakeRun } from '@buff/registry/testing';

async function register(registry: RunRegistry, key: string, n: number): Promise<void> {
  const id = fakeRunId(key);
  const staging = await registry.createStaging(id);
  writeFakeRun(staging, id, { strategy: n % 2 ? 'rsi' : 'ma-cross', payloadBytes: 64 + (n % 7) * 100 });
  await registry.publish(id, staging);
  process.stdout.write(`committed ${id}\n`);
}

async function main(): Promise<void> {
  const [mode, root, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
  const driverArgs = (args: string[]) =>
    args[0] === 'postgres' ? { driver: 'postgres' as const, pgUrl: args[1] } : {};
  if (mode === 'dump') {
    const registry = await openRunRegistry({ runsRoot: root, ...driverArgs(rest) });
    process.stdout.write(
      `${JSON.stringify((await registry.list({ limit: 10_000, sort: 'id', order: 'asc' })).items)}\n`,
    );
    await registry.close();
    return;
  }
  const [prefix = 'x', ...more] = rest;
  if (mode === 'loop') {
    const registry = await openRunRegistry({ runsRoot: root, create: true, ...driverArgs(more) });
    process.stdout.write('ready\n');
    for (let n = 0; ; n += 1) await register(registry, `${prefix}-${n}`, n);
  }
  const [count = '0', shared = '0', ...driver] = more;
  const registry = await openRunRegistry({ runsRoot: root, create: true, ...driverArgs(driver) });
  for (let n = 0; n < Number(count); n += 1) {
    await register(registry, `${prefix}-${n}`, n);
    if (n < Number(shared)) await register(registry, `shared-${n}`, n);
  }
  await registry.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
