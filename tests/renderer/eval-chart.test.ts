import { describe, expect, it } from 'vitest';
import { CB_PALETTE, methodColour, perturbationChart, type ChartBox, type PerturbationSummary } from '../../renderer/src/eval-chart';
import { LOG_SPAN } from '../../shared/chart/ratio-axis';

// Plot area 100 × 100 px from (10, 110) bottom-left to (110, 10) top-right.
const BOX: ChartBox = { width: 120, height: 130, margin: { left: 10, right: 10, top: 10, bottom: 20 } };

function curve(positive: number[], negative: number[]): PerturbationSummary {
  return { percents: positive.map((_, i) => i * 10), positive_curve: positive, negative_curve: negative, auc_positive: 0, auc_negative: 0, auc_positive_median: 0, auc_negative_median: 0, questions: 1 };
}

describe('eval-chart/methodColour', () => {
  it('uses the Okabe–Ito palette in order and wraps around', () => {
    expect(methodColour(0)).toBe('#E69F00');
    expect(methodColour(1)).toBe('#56B4E9');
    expect(methodColour(CB_PALETTE.length)).toBe(methodColour(0));
  });
});

describe('eval-chart/perturbationChart', () => {
  it('maps percents and ratios linearly into the plot with 5 % padding around [min, max]', () => {
    // Values span [1, 2]: padded to [0.95, 2.05], so 1 sits 5/110 of the way up.
    const chart = perturbationChart(BOX, [{ method: 'dexar', colourIndex: 0, perturbation: curve([1, 1.5, 2], [1, 1, 1]) }]);
    expect(chart.yDomain[0]).toBeCloseTo(0.95, 12);
    expect(chart.yDomain[1]).toBeCloseTo(2.05, 12);
    const positive = chart.lines.find((l) => l.direction === 'positive');
    expect(positive?.points.map((p) => p.x)).toEqual([10, 60, 110]);
    const ys = positive?.points.map((p) => p.y) ?? [];
    expect(ys[0]).toBeCloseTo(110 - (100 * 0.05) / 1.1, 9);
    expect(ys[2]).toBeCloseTo(10 + (100 * 0.05) / 1.1, 9);
    expect(positive?.polyline).toBe(positive?.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '));
    expect(chart.unitY).toBeCloseTo(ys[0] as number, 9);
    expect(chart.xTicks.map((t) => [t.value, t.at])).toEqual([[0, 10], [10, 60], [20, 110]]);
    for (const t of chart.yTicks) expect(t.at).toBeGreaterThanOrEqual(10);
  });

  it('draws positive solid and negative dashed per method, in the given colours', () => {
    const chart = perturbationChart(BOX, [
      { method: 'dexar', colourIndex: 0, perturbation: curve([1, 2], [1, 0.9]) },
      { method: 'random', colourIndex: 3, perturbation: curve([1, 1.2], [1, 1.1]) },
    ]);
    expect(chart.lines.map((l) => [l.method, l.direction, l.colour, l.dash])).toEqual([
      ['dexar', 'positive', CB_PALETTE[0], undefined],
      ['dexar', 'negative', CB_PALETTE[0], '6 4'],
      ['random', 'positive', CB_PALETTE[3], undefined],
      ['random', 'negative', CB_PALETTE[3], '6 4'],
    ]);
    // Values below 1 extend the range downwards; 1 stays inside it.
    expect(chart.yDomain[0]).toBeLessThan(0.9);
  });

  it('keeps 1 in range and widens a flat one so the scale stays finite', () => {
    const chart = perturbationChart(BOX, [{ method: 'dexar', colourIndex: 0, perturbation: curve([1, 1], [1, 1]) }]);
    expect(chart.yDomain[1] - chart.yDomain[0]).toBeGreaterThan(0.1);
    expect(chart.lines.every((l) => l.points.every((p) => Number.isFinite(p.y)))).toBe(true);
    expect(chart.unitY).toBeCloseTo(60, 9);
  });

  it('turns the y axis logarithmic when the values span more than LOG_SPAN, with 5 % log padding', () => {
    // [1, 1000]: three decades, padded by 0.15 decade each side; 10 sits at the middle of the plot.
    const chart = perturbationChart(BOX, [{ method: 'dexar', colourIndex: 0, perturbation: curve([1, 10, 1000], [1, 1, 1]) }]);
    expect(chart.yScale).toBe('log');
    expect(chart.yDomain[0]).toBeCloseTo(10 ** -0.15, 12);
    expect(chart.yDomain[1]).toBeCloseTo(10 ** 3.15, 9);
    const ys = chart.lines[0]?.points.map((p) => p.y) ?? [];
    expect(ys[1]).toBeCloseTo(110 - 100 * (1.15 / 3.3), 9);
    expect(ys[2]).toBeCloseTo(10 + 100 * (0.15 / 3.3), 9);
    expect(chart.yTicks.map((t) => t.value)).toEqual([1, 10, 100, 1000]);
    // A span of LOG_SPAN or less stays linear.
    expect(perturbationChart(BOX, [{ method: 'dexar', colourIndex: 0, perturbation: curve([1, LOG_SPAN], [1, 1]) }]).yScale).toBe('linear');
  });

  it('skips non-finite curve values instead of drawing them at NaN', () => {
    const chart = perturbationChart(BOX, [{ method: 'dexar', colourIndex: 0, perturbation: curve([1, Number.NaN, 3], [1, 1, 1]) }]);
    expect(chart.lines[0]?.points.map((p) => p.percent)).toEqual([0, 20]);
  });
});
