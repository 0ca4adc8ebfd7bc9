import { BuffError, canonicalJson, readModelCard, type ModelCard } from '@buff/core';
import { loadCheckpoint } from '../checkpoint.js';
import { predictLogits } from '../train-loop.js';
import { loadTrainingData, standardizedMatrices } from '../training-data.js';
import type { SampleSet } from '../windows.js';
import type { ChampionProbabilities } from './evaluate-logits.js';
import { applyTemperature, sigmoidProbabilities } from './temperature.js';

/** The registered champion to compare with: its registry name, version and folder. */
export interface ChampionRef {
  name: string;
  version: number;
  dir: string;
}

/**
 * The champion's calibrated up-probabilities on the challenger's own test samples: its checkpoint,
 * feature columns, standardizer, window and temperature, over the challenger's datasets (checked
 * by content id). A champion that labels or featurizes the data differently (other symbols,
 * timeframe, horizon, dead zone or feature options) cannot be scored on the same samples:
 * INVALID_INPUT rule CHAMPION_NOT_COMPARABLE naming the key.
 * @example const champion = await championProbabilities({ name, version: 3, dir }, card, 'data', test);
 */
export async function championProbabilities(
  champion: ChampionRef,
  challenger: ModelCard,
  dataRoot: string,
  test: SampleSet,
): Promise<ChampionProbabilities> {
  const card = readModelCard(champion.dir);
  checkComparable(champion, card, challenger);
  const data = await loadTrainingData({
    dataRoot,
    symbols: card.symbols,
    timeframe: card.timeframe,
    featureOptions: card.features.options,
    featureNames: card.features.names,
    window: card.window,
    horizon: card.horizon,
    deadZone: card.deadZone,
    trainFrac: challenger.splitOptions.trainFrac,
    valFrac: challenger.splitOptions.valFrac,
    expected: challenger.datasets.map((d) => ({ contentId: d.contentId, featuresContentId: d.featuresContentId })),
  });
  for (let i = 0; i < test.end.length; i++) {
    const warmup = data[test.source[i] as number]?.table.warmup ?? 0;
    if ((test.end[i] as number) - card.window + 1 < warmup) {
      throw notComparable(champion, 'window', `its window of ${card.window} bars reaches before the features' warmup`);
    }
  }
  const model = await loadCheckpoint(champion.dir);
  try {
    const logits = predictLogits(model, standardizedMatrices(data, card.features.standardizer), test, card.window);
    return {
      name: champion.name,
      version: champion.version,
      modelId: card.modelId,
      probUp: sigmoidProbabilities(applyTemperature(logits, card.calibration.temperature)),
    };
  } finally {
    model.dispose();
  }
}

function checkComparable(champion: ChampionRef, card: ModelCard, challenger: ModelCard): void {
  const same: Array<[string, unknown, unknown]> = [
    ['symbols', card.symbols, challenger.symbols],
    ['timeframe', card.timeframe, challenger.timeframe],
    ['horizon', card.horizon, challenger.horizon],
    ['deadZone', card.deadZone, challenger.deadZone],
    ['features.options', card.features.options, challenger.features.options],
  ];
  for (const [key, a, b] of same) {
    if (canonicalJson(a) !== canonicalJson(b))
      throw notComparable(champion, key, `its ${key} ${canonicalJson(a)} differs from ${canonicalJson(b)}`);
  }
}

function notComparable(champion: ChampionRef, key: string, why: string): BuffError {
  return new BuffError(
    'INVALID_INPUT',
    `champion ${champion.name} v${champion.version} cannot be scored on the same test samples: ${why}`,
    { details: { file: champion.dir, key, rule: 'CHAMPION_NOT_COMPARABLE' } },
  );
}
