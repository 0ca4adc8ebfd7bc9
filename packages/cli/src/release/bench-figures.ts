/** A figure bench/RESULTS.md records with its target: `**0.85x** (target <= 1.0)` or a table row `| 0.76x | <= 0.8x |`. */
export interface BenchFigure {
  /** The section heading and the line's label, e.g. `Run builder (issue 3): Ratio build / DuckDB read`. */
  label: string;
  value: number;
  unit: string;
  direction: '<=' | '>=';
  target: number;
}

const BOLD = /\*\*([0-9]+(?:\.[0-9]+)?)(x|%)\*\*.*?target ([<>]=) ?([0-9]+(?:\.[0-9]+)?)/;
const NUMBER = /^([0-9]+(?:\.[0-9]+)?)(x|%)$/;
const TARGET = /^([<>]=) ?([0-9]+(?:\.[0-9]+)?)(x|%)?$/;

/**
 * The ratio and percentage figures of a RESULTS.md that state a target, by section and label.
 * @example benchFigures(readFileSync('bench/RESULTS.md', 'utf8'))
 */
export function benchFigures(markdown: string): BenchFigure[] {
  const figures: BenchFigure[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const bold = BOLD.exec(line);
    if (bold) {
      const label = line.slice(0, line.indexOf('**')).replace(/[:\s]+$/, '') || 'figure';
      figures.push(figure(section, label, bold[1], bold[2], bold[3], bold[4]));
      continue;
    }
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').map((c) => c.trim());
    for (let i = 1; i < cells.length; i++) {
      const target = TARGET.exec(cells[i] ?? '');
      const value = NUMBER.exec(cells[i - 1] ?? '');
      if (target && value && (target[3] ?? value[2]) === value[2])
        figures.push(figure(section, cells[1] ?? 'row', value[1], value[2], target[1], target[2]));
    }
  }
  return figures;
}

function figure(section: string, label: string, value?: string, unit?: string, dir?: string, target?: string) {
  return {
    // numbers in a label are measurements (e.g. 'Cost per cell: 228.1 ms ='): left out, so labels match across runs
    label: `${section}: ${label.replace(/[0-9]+(?:\.[0-9]+)?\s*(?:ms|s|%|x)?/g, '#')}`,
    value: Number(value),
    unit: unit ?? '',
    direction: dir as '<=' | '>=',
    target: Number(target),
  };
}

/** One figure checked: against its target, and against the same figure in a baseline file when given. */
export interface FigureVerdict {
  label: string;
  ok: boolean;
  detail: string;
}

/**
 * A figure fails when it is more than `tolerance` (relative) worse than its target, or than the
 * baseline's figure of the same label; "worse" follows the target's direction.
 * @example checkFigures(benchFigures(now), benchFigures(before), 0.1)
 */
export function checkFigures(
  current: BenchFigure[],
  baseline: BenchFigure[] | undefined,
  tolerance: number,
): FigureVerdict[] {
  const before = new Map((baseline ?? []).map((f) => [f.label, f]));
  return current.map((f) => {
    const limit = (reference: number) =>
      f.direction === '<=' ? reference * (1 + tolerance) : reference * (1 - tolerance);
    const within = (reference: number) =>
      f.direction === '<=' ? f.value <= limit(reference) : f.value >= limit(reference);
    const shown = `${f.value}${f.unit}`;
    const old = before.get(f.label);
    if (!within(f.target))
      return {
        label: f.label,
        ok: false,
        detail: `${shown} misses target ${f.direction} ${f.target}${f.unit} by more than ${pct(tolerance)}`,
      };
    if (old && !within(old.value))
      return {
        label: f.label,
        ok: false,
        detail: `${shown}, baseline ${old.value}${old.unit}: more than ${pct(tolerance)} worse`,
      };
    return {
      label: f.label,
      ok: true,
      detail: `${shown} (target ${f.direction} ${f.target}${f.unit}${old ? `, baseline ${old.value}${old.unit}` : ''})`,
    };
  });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}
