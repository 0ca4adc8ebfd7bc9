import type { PreparedRun } from '../prepare-run.js';
import type { RunConfigInput } from '../run-config.js';
import type { Simulation } from '../simulation.js';
import type { ModelResolver } from '../strategy.js';
import type { ModelSwitch } from './journal-entry.js';
import {
  loadModelForSignals,
  switchModel,
  type ModelSignalParams,
  type ModelSignalState,
} from '../strategies/model-signal.js';

/** The model a session's decisions come from now. */
export interface ActiveModelRef {
  name: string;
  version: number;
  id: string;
}

/**
 * Follows the alias a session's config names (unless it names an exact version): `poll`, before
 * each bar, asks the registry again when its change stamp moved (one stat for the file registry,
 * one row for PostgreSQL; every time when the resolver has no stamp) and, when the alias moved, loads the new version and
 * hands it to the simulation's model-signal state, so the next decision comes from it.
 * @example const moved = await watch.poll(simulation); // { version: 2, id } or undefined
 */
export class ModelWatch {
  readonly initial: ActiveModelRef;
  active: ActiveModelRef;
  private readonly alias: 'champion' | 'candidate' | undefined;
  /** The registry's change stamp when the alias was last resolved (undefined: ask every time). */
  private seen: string | undefined;

  constructor(
    original: RunConfigInput,
    prepared: PreparedRun,
    private readonly resolveModel: ModelResolver,
  ) {
    const pinned = (prepared.params as ModelSignalParams).model;
    this.initial = { name: pinned.name, version: pinned.version as number, id: pinned.id as string };
    this.active = { ...this.initial };
    const asked = (original.strategy?.params as { model?: { version?: number; alias?: 'champion' | 'candidate' } })
      ?.model;
    this.alias = asked?.version === undefined ? (asked?.alias ?? 'champion') : undefined;
  }

  /** Switches when the alias points elsewhere now; what it switched to, or undefined. */
  async poll(simulation: Simulation): Promise<ModelSwitch | undefined> {
    if (this.alias === undefined) return undefined;
    const stamp = await this.resolveModel.changeStamp?.();
    if (stamp !== undefined && stamp === this.seen) return undefined;
    const now = await this.resolveModel({ name: this.active.name, alias: this.alias });
    this.seen = stamp;
    if (now.modelId === this.active.id && now.version === this.active.version) return undefined;
    const from = { version: this.active.version, id: this.active.id };
    await this.switchTo(simulation, now.version);
    return { version: this.active.version, id: this.active.id, from, alias: this.alias };
  }

  /** Loads version `version` and makes it the one every symbol's decisions come from. */
  async switchTo(simulation: Simulation, version: number): Promise<void> {
    const resolved = await this.resolveModel({ name: this.active.name, version });
    const model = await loadModelForSignals(resolved.dir);
    this.active = { name: resolved.name, version: resolved.version, id: model.modelId };
    const state = simulation.strategyState(0) as ModelSignalState;
    switchModel(state, { model, name: resolved.name, version: resolved.version, modelId: model.modelId });
  }
}
