/**
 * The one safety switch every entry point honours. The registry implements it over a state file
 * under RUNS_ROOT (`openKillSwitch` in @buff/registry); packages that may not import the registry
 * (engine, ml) take one passed in, as they take a RunStore.
 * @example if (await killSwitch.isOn()) return; // stop emitting at once
 */
export interface KillSwitch {
  /** The runs root whose state this reads. */
  readonly root: string;
  /** True while the switch is on, or when its state cannot be read (fail closed). */
  isOn(): Promise<boolean>;
  /** Throws BuffError KILL_SWITCH_ON, naming `action`, while the switch is on. */
  assertOff(action: string): Promise<void>;
}
