// The time-window picker shared by the dependency and analysis pages.
import { el } from './format.js';

export const windows = [['1h', 3600e3], ['6h', 6 * 3600e3], ['1d', 86400e3], ['2d', 2 * 86400e3], ['7d', 7 * 86400e3]];

export function windowSelect(params) {
  const select = el('select', { name: 'window', id: 'window' }, windows.map(([k]) => el('option', { value: k }, `last ${k}`)));
  select.value = params.get('window') || '1d';
  return select;
}

/** endTs and lookback in milliseconds: explicit endTs/lookback in the URL win over the named window. */
export function windowRange(params) {
  if (params.has('endTs')) return { endTs: Number(params.get('endTs')), lookback: Number(params.get('lookback') || 86400e3) };
  const found = windows.find(([k]) => k === (params.get('window') || '1d'));
  return { endTs: Date.now(), lookback: found ? found[1] : 86400e3 };
}
