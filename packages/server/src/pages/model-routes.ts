import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as express from 'express';
import { z } from 'zod';
import { BuffError, parseOrThrow } from '@buff/core';
import { assertKillSwitchOff, ModelAliasSchema, ModelNameSchema, type ModelRegistry } from '@buff/registry';
import { assertAdmin, isSignedIn } from '../auth.js';
import { logOf } from '../request-context.js';
import type { ServerContext } from '../server-context.js';
import { MODEL_REPORT_FILES, renderModelVersionPage } from './model-version-page.js';
import { renderModelPage, renderModelsListPage } from './models-pages.js';

const RollbackFormSchema = z
  .object({ alias: ModelAliasSchema.default('champion'), reason: z.string().max(300).default('') })
  .strict();

function modelName(value: unknown): string {
  return parseOrThrow(ModelNameSchema, value, 'INVALID_ID', { what: 'invalid model name', rule: 'MODEL_NAME' });
}

function versionNumber(value: unknown): number {
  const n = Number(value);
  if (!/^[1-9][0-9]{0,8}$/.test(String(value)) || !Number.isSafeInteger(n))
    throw new BuffError('INVALID_ID', `not a version number: ${String(value).slice(0, 20)}`, {
      details: { key: 'version', value: String(value).slice(0, 20) },
    });
  return n;
}

async function registryOf(ctx: ServerContext): Promise<ModelRegistry> {
  const registry = await ctx.models.open();
  if (registry === undefined)
    throw new BuffError('NOT_FOUND', 'no models root is configured (buff serve --models-root or MODELS_ROOT)', {
      details: { rule: 'modelsRoot' },
    });
  return registry;
}

/** Versions, aliases and audit log of one model; NOT_FOUND for a name with no versions. */
async function modelState(registry: ModelRegistry, name: string) {
  const versions = await registry.listVersions(name);
  if (versions.length === 0)
    throw new BuffError('NOT_FOUND', `no model named ${name}`, { details: { key: 'name', value: name } });
  const aliases = (await registry.listModels()).find((m) => m.name === name)?.aliases ?? {};
  return { versions, aliases, audit: await registry.auditLog(name) };
}

/** /models, /models/:name, /models/:name/v/:n (+ its report images), POST /models/:name/rollback. */
export function mountModelPages(router: express.Router, ctx: ServerContext, form: express.RequestHandler): void {
  const page = (res: express.Response, text: string): void => {
    res.type('html').send(text);
  };

  router.get('/models', async (req, res) => {
    const registry = await ctx.models.open();
    const listed = registry ? await registry.listModels() : [];
    const models = [];
    for (const m of listed) {
      const champion =
        m.aliases.champion === undefined ? undefined : await registry?.getVersion(m.name, m.aliases.champion);
      models.push({ ...m, champion });
    }
    page(res, renderModelsListPage({ base: req.baseUrl, root: ctx.models.root, models }));
  });

  router.get('/models/:name', async (req, res) => {
    const name = modelName(req.params.name);
    const state = await modelState(await registryOf(ctx), name);
    page(res, renderModelPage({ base: req.baseUrl, name, ...state, signedIn: isSignedIn(req, ctx) }));
  });

  router.get('/models/:name/v/:n', async (req, res) => {
    const registry = await registryOf(ctx);
    const name = modelName(req.params.name);
    const version = await registry.getVersion(name, versionNumber(req.params.n));
    if (version === undefined)
      throw new BuffError('NOT_FOUND', `model ${name} has no version ${req.params.n}`, {
        details: { key: `${name}@${req.params.n}` },
      });
    const { aliases, audit } = await modelState(registry, name);
    const dir = join(registry.root, name, `v${version.version}`, 'reports', 'training');
    const reports = MODEL_REPORT_FILES.filter((file) => existsSync(join(dir, file)));
    page(res, renderModelVersionPage({ base: req.baseUrl, version, aliases, audit, reports }));
  });

  // the SVGs `buff train` wrote into the version's folder; only the known names, shown as <img> (no script runs)
  router.get('/models/:name/v/:n/reports/:file', async (req, res) => {
    const registry = await registryOf(ctx);
    const name = modelName(req.params.name);
    const n = versionNumber(req.params.n);
    const file = (MODEL_REPORT_FILES as readonly string[]).includes(req.params.file) ? req.params.file : undefined;
    const path = join(registry.root, name, `v${n}`, 'reports', 'training', file ?? '');
    if (file === undefined || !existsSync(path))
      throw new BuffError('NOT_FOUND', `no report ${req.params.file.slice(0, 60)} for ${name} v${n}`, {
        details: { key: 'file', value: req.params.file.slice(0, 60) },
      });
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.sendFile(path, { headers: { 'Content-Type': 'image/svg+xml' } });
  });

  router.post('/models/:name/rollback', ctx.loginThrottle.middleware, form, async (req, res) => {
    assertAdmin(req, ctx);
    const name = modelName(req.params.name);
    const registry = await registryOf(ctx);
    const input = parseOrThrow(RollbackFormSchema, req.body ?? {}, 'INVALID_INPUT', 'rollback form');
    await assertKillSwitchOff(ctx.runsRoot, 'models rollback');
    const actor = `ui:admin@${req.ip ?? 'unknown'}`;
    try {
      const version = await registry.rollback(name, {
        alias: input.alias,
        actor,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      logOf(req, ctx.logger).warn({ model: name, alias: input.alias, to: version.version, actor }, 'model rolled back');
    } catch (err) {
      if (!(err instanceof BuffError) || err.code !== 'INVALID_INPUT') throw err;
      res.status(409);
      const state = await modelState(registry, name);
      return page(res, renderModelPage({ base: req.baseUrl, name, ...state, signedIn: true, error: err.message }));
    }
    res.redirect(303, `${req.baseUrl}/models/${name}`);
  });
}
