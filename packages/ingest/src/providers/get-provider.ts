import { BuffError } from '@buff/core';
import { PROVIDER_NAMES, type DataProvider, type ProviderName } from './provider.js';
import { createSyntheticProvider, type SyntheticProviderOptions } from './synthetic-provider.js';
import { createCcxtProvider, type CcxtProviderOptions } from './ccxt-provider.js';
import { createCsvProvider, type CsvProviderOptions } from './csv-provider.js';

/** Options for any provider; each reads the fields it needs. */
export type ProviderOptions = SyntheticProviderOptions & CsvProviderOptions & CcxtProviderOptions;

const FACTORIES: Record<ProviderName, (options: ProviderOptions) => DataProvider> = {
  synthetic: createSyntheticProvider,
  csv: createCsvProvider,
  ccxt: createCcxtProvider,
};

/**
 * The data provider of that name; UNKNOWN_PROVIDER for any other.
 * @example const provider = getProvider('synthetic', { seed: 7, signal: 1 });
 */
export function getProvider(name: string, options: ProviderOptions = {}): DataProvider {
  if (!isProviderName(name)) {
    throw new BuffError('UNKNOWN_PROVIDER', `unknown data provider "${name}" (known: ${PROVIDER_NAMES.join(' ')})`, {
      details: { key: 'provider', value: name },
    });
  }
  return FACTORIES[name](options);
}

/**
 * The provider to use: the flag, else `DATA_PROVIDER`, else `synthetic`.
 * @example resolveProviderName(args.provider) // 'synthetic'
 */
export function resolveProviderName(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.DATA_PROVIDER;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'synthetic';
}

function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}
