// A child process for the promotion race test (bundled to plain JS by buildRegistryChild):
//   node child.cjs MODELS_ROOT MODEL_DIR START_AT_MS [postgres URL]
// opens the model registry, waits until START_AT_MS (so that two children promote at once), promotes
// the folder to champion and prints one JSON line: { ok: true, ...promotion } or { ok: false, code, rule, message }.
import { BuffError } from '@buff/core';
import { openModelRegistry } from '@buff/registry';

async function main(): Promise<void> {
  const [modelsRoot, modelDir, startAt, driver, pgUrl] = process.argv.slice(2) as [string, string, string, ...string[]];
  const models = await openModelRegistry({
    modelsRoot,
    ...(driver === 'postgres' ? { driver: 'postgres' as const, pgUrl } : {}),
  });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  try {
    const promoted = await models.promoteFolder(modelDir, { actor: `race-${process.pid}` });
    process.stdout.write(
      `${JSON.stringify({ ok: true, version: promoted.version, registered: promoted.registered })}\n`,
    );
  } catch (err) {
    if (!(err instanceof BuffError)) throw err;
    process.stdout.write(
      `${JSON.stringify({ ok: false, code: err.code, rule: err.details.rule, message: err.message })}\n`,
    );
  } finally {
    await models.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
