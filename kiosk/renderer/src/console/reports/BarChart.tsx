// A horizontal bar chart (Observable Plot, SVG: crisp on screen and on paper), one bar per
// key with its value written at its end. The table beside each chart carries the same numbers
// for screen readers; the chart has a label and a description of its own.
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { useText } from '../i18n/i18n.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

export interface BarChartProps {
  readonly bars: readonly Bar[];
  /** What the chart shows, for assistive technology. */
  readonly title: string;
  /** The value axis' name. */
  readonly unit: string;
  /** The bars' colour (a theme colour). */
  readonly colour?: string;
}

const BAR_PX = 28;

export function BarChart({ bars, title, unit, colour = '#003b80' }: BarChartProps) {
  const { t } = useText();
  const holder = useRef<HTMLDivElement>(null);
  const top = bars.reduce((most, bar) => Math.max(most, bar.value), 0);
  useEffect(() => {
    const element = holder.current;
    if (element === null || top === 0) return;
    const longest = bars.reduce((most, bar) => Math.max(most, bar.label.length), 0);
    const width = Math.max(320, element.clientWidth);
    const chart = Plot.plot({
      width,
      height: bars.length * BAR_PX + 50,
      marginLeft: Math.min(width / 2, 16 + longest * 7.2),
      marginRight: 48,
      ariaDescription: bars.map((bar) => `${bar.label}: ${String(bar.value)}`).join('; '),
      // Counts: whole-number ticks only, at most eight.
      x: {
        grid: true,
        label: unit,
        labelAnchor: 'right',
        domain: [0, top],
        nice: true,
        ticks: Math.min(8, top),
        tickFormat: 'd',
      },
      y: { label: null, domain: bars.map((bar) => bar.label), tickSize: 0 },
      marks: [
        Plot.barX(bars, { x: 'value', y: 'label', fill: colour }),
        Plot.text(bars, {
          x: 'value',
          y: 'label',
          text: (bar: Bar) => String(bar.value),
          dx: 4,
          textAnchor: 'start',
          fill: 'currentColor',
        }),
        Plot.ruleX([0]),
      ],
    });
    // One picture for assistive technology: the chart named and described on its root, not
    // Plot's names of each inner group (an aria-label on a plain <g> is not allowed).
    for (const named of chart.querySelectorAll('[aria-label]')) named.removeAttribute('aria-label');
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', title);
    element.replaceChildren(chart);
    return () => {
      chart.remove();
    };
  }, [bars, title, unit, colour, top]);
  // Nothing counted: said in words, not drawn as a chart of zeros.
  if (top === 0) return <p className="chart-empty">{t('reports.noRows')}</p>;
  return <div ref={holder} className="chart" />;
}
