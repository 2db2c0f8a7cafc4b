import type { LagSample } from './live-status.js';

const width = 160;
const height = 32;
const svgNamespace = 'http://www.w3.org/2000/svg';

/** A fixed-size sparkline of lag over the last minutes: same box whatever the data, so nothing shifts. */
export function lagChart(samples: readonly LagSample[], label: string): SVGSVGElement {
  const svg = document.createElementNS(svgNamespace, 'svg');
  svg.setAttribute('class', 'lag');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const peak = Math.max(1, ...samples.map((sample) => sample.lag));
  const last = samples.at(-1)?.lag ?? 0;
  svg.setAttribute('aria-label', `${label}: lag now ${last}, peak ${peak} over the last ${samples.length} s`);
  const line = document.createElementNS(svgNamespace, 'polyline');
  const step = samples.length > 1 ? width / (samples.length - 1) : 0;
  line.setAttribute(
    'points',
    samples
      .map((sample, i) => `${(i * step).toFixed(1)},${(height - 2 - (sample.lag / peak) * (height - 4)).toFixed(1)}`)
      .join(' '),
  );
  svg.appendChild(line);
  return svg;
}
