import { z } from 'zod';
import { TIMEFRAMES, type DatasetManifest } from '@buff/core';
import { listStrategies, RunConfigSchema } from '@buff/engine';
import { listDatasets } from '@buff/ingest';
import type { ServerLimits } from '../options.js';
import type { ServerContext } from '../server-context.js';
import { formatBytes } from './format.js';
import { html, SafeHtml, type SafeHtml as Html } from './html.js';
import { layout } from './layout.js';

/** One form field of a strategy param, from its JSON schema. */
interface ParamField {
  key: string;
  type: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'json';
  defaultValue: unknown;
  minimum?: number;
  maximum?: number;
  options?: string[];
  description?: string;
}

/** What the form offers: strategies with their params, stored symbols, default options. */
export interface NewRunFormData {
  strategies: Array<{ name: string; description: string; fields: ParamField[] }>;
  datasets: DatasetManifest[];
  options: Record<string, unknown>;
}

const FORM_KEYS = new Set(['name', 'strategy', 'symbols', 'timeframe', 'window']);

function fieldsOf(schema: z.ZodType): ParamField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  return Object.entries(json.properties ?? {}).map(([key, prop]) => {
    const base = {
      key,
      defaultValue: prop.default,
      description: typeof prop.description === 'string' ? prop.description : undefined,
    };
    if (Array.isArray(prop.enum)) return { ...base, type: 'enum', options: prop.enum.map(String) };
    if (prop.type === 'number' || prop.type === 'integer') {
      return {
        ...base,
        type: prop.type,
        minimum: prop.minimum as number | undefined,
        maximum: prop.maximum as number | undefined,
      };
    }
    if (prop.type === 'boolean' || prop.type === 'string') return { ...base, type: prop.type };
    return { ...base, type: 'json' };
  });
}

/** The defaults of every config key the form does not ask for (capital, fees, guardrails, seed). */
function defaultOptions(example: { strategy: string; symbol: string }): Record<string, unknown> {
  const parsed = RunConfigSchema.safeParse({
    name: 'web run',
    strategy: { name: example.strategy, params: {} },
    symbols: [example.symbol],
    timeframe: '1h',
    window: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-02T00:00:00.000Z' },
  });
  if (!parsed.success) return {};
  return Object.fromEntries(
    Object.entries(parsed.data as Record<string, unknown>).filter(([key]) => !FORM_KEYS.has(key)),
  );
}

/** Reads the strategies (params from their zod schemas) and the dataset store for the form. */
export async function readNewRunFormData(ctx: ServerContext): Promise<NewRunFormData> {
  const strategies = listStrategies().map((s) => ({
    name: s.name,
    description: s.description ?? '',
    fields: fieldsOf(s.paramsSchema),
  }));
  const datasets = await listDatasets(ctx.dataRoot);
  const options = defaultOptions({ strategy: strategies[0]?.name ?? '', symbol: datasets[0]?.symbol ?? 'BTC-USD' });
  return { strategies, datasets, options };
}

function paramInput(strategy: string, field: ParamField): Html {
  const id = `param-${strategy}-${field.key}`;
  const label = html`<label for="${id}">${field.key}${field.description ? html` <span class="muted">${field.description}</span>` : ''}</label>`;
  const common = { id, key: field.key, type: field.type };
  if (field.type === 'boolean')
    return html`${label}<input type="checkbox" id="${common.id}" data-param="${common.key}" data-type="boolean" ${field.defaultValue === true ? new SafeHtml('checked') : ''}>`;
  if (field.type === 'enum') {
    return html`${label}<select id="${id}" data-param="${field.key}" data-type="string">${(field.options ?? []).map((o) => html`<option ${o === field.defaultValue ? new SafeHtml('selected') : ''}>${o}</option>`)}</select>`;
  }
  if (field.type === 'number' || field.type === 'integer') {
    return html`${label}<input type="number" id="${id}" data-param="${field.key}" data-type="${field.type}" step="${field.type === 'integer' ? '1' : 'any'}" value="${field.defaultValue ?? ''}" ${field.minimum !== undefined ? new SafeHtml(`min="${field.minimum}"`) : ''} ${field.maximum !== undefined ? new SafeHtml(`max="${field.maximum}"`) : ''}>`;
  }
  const value =
    field.type === 'json'
      ? field.defaultValue === undefined
        ? ''
        : JSON.stringify(field.defaultValue)
      : (field.defaultValue ?? '');
  return html`${label}<input type="text" id="${id}" data-param="${field.key}" data-type="${field.type}" value="${value}">`;
}

/**
 * /runs/new: strategy and params (from the packs' schemas), symbols from the dataset store,
 * timeframe, window, options (capital, fees, guardrails, seed, pre-filled with the config's
 * safe defaults), an optional CSV upload. The server validates everything again.
 */
export function renderNewRunPage(page: { base: string; data: NewRunFormData; limits: ServerLimits }): string {
  const { base, data } = page;
  const first = data.datasets[0]?.tables['1m'] ?? Object.values(data.datasets[0]?.tables ?? {})[0];
  const symbols = data.datasets.map(
    (d, i) =>
      html`<label class="inline"><span><input type="checkbox" name="symbols" value="${d.symbol}" ${i === 0 ? new SafeHtml('checked') : ''}> ${d.symbol}</span></label>`,
  );
  const paramSets = data.strategies.map(
    (s) =>
      html`<fieldset data-strategy="${s.name}"><legend>${s.name} params</legend>${s.description ? html`<p class="muted">${s.description}</p>` : ''}${s.fields.map((f) => paramInput(s.name, f))}</fieldset>`,
  );
  const body = html`<h1>New run</h1>
<form id="new-run-form" data-base="${base}">
<label>Name<input name="name" value="web run" required maxlength="100"></label>
<label>Tags (optional, separated by commas or spaces; as a config's <code>tags:</code>)<input name="tags" maxlength="2000" placeholder="baseline, sma"></label>
<label>Strategy<select name="strategy">${data.strategies.map((s) => html`<option>${s.name}</option>`)}</select></label>
${paramSets}
<fieldset><legend>Symbols</legend>${data.datasets.length ? symbols : html`<p class="muted">no datasets yet: upload a CSV below</p>`}</fieldset>
<label>Timeframe<select name="timeframe">${TIMEFRAMES.map((t) => html`<option ${t === '1h' ? new SafeHtml('selected') : ''}>${t}</option>`)}</select></label>
<label>Since (ISO UTC)<input name="since" value="${first?.first ?? ''}" required></label>
<label>Until (ISO UTC)<input name="until" value="${first?.last ?? ''}" required></label>
<label>Options: capital, fees, guardrails, seed (JSON)<textarea name="options" rows="10" cols="80">${JSON.stringify(data.options, null, 2)}</textarea></label>
<fieldset><legend>Upload a CSV (optional, at most ${formatBytes(page.limits.maxUploadBytes)}; checked with the ingest rules)</legend>
<label>CSV file<input type="file" name="csv" accept=".csv,text/csv"></label>
<label>Symbol for the upload<input name="uploadSymbol" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}"></label>
<label>Timestamp format<select name="timestampFormat"><option value="iso">ISO 8601 (2024-01-02T03:04:00Z)</option><option value="epoch-ms">epoch milliseconds</option><option value="epoch-s">epoch seconds</option></select></label>
<label>Time zone of timestamps without one (IANA, e.g. Europe/Prague; empty: they must carry Z or an offset)<input name="timezone" maxlength="64" placeholder="UTC"></label>
<label class="inline"><span><input type="checkbox" name="allowGaps"> allow gaps</span></label></fieldset>
<p><button type="submit">Create run</button></p>
<p id="job-status" class="muted" role="status"></p><p id="form-error" class="error" hidden role="alert"></p>
</form>`;
  return layout({
    base,
    title: 'New run',
    body,
    scripts: ['run-new.js'],
    runsNew: true,
  });
}
