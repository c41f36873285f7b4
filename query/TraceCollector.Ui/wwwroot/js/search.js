// Trace search: every field is in the URL, so a search can be shared and reloaded.
import { api } from './api.js';
import { el, formatDuration, formatTimestamp, parseDuration, traceSummary } from './format.js';
import { navigate, showError } from './app.js';

const presets = [['15m', 15 * 60e3], ['1h', 3600e3], ['6h', 6 * 3600e3], ['1d', 86400e3], ['2d', 2 * 86400e3], ['7d', 7 * 86400e3]];

export async function renderSearch(main, params) {
  const form = el('form', { class: 'search', 'aria-label': 'Trace search' });
  const service = el('select', { name: 'serviceName', id: 'serviceName' }, el('option', { value: '' }, 'any service'));
  const spanName = el('select', { name: 'spanName', id: 'spanName' }, el('option', { value: '' }, 'any span'));
  const remote = el('select', { name: 'remoteServiceName', id: 'remoteServiceName' }, el('option', { value: '' }, 'any remote service'));
  const range = el('select', { name: 'range', id: 'range' }, ...presets.map(([k]) => el('option', { value: k }, `last ${k}`)), el('option', { value: 'custom' }, 'custom range'));
  const start = el('input', { type: 'datetime-local', name: 'start', id: 'start', step: '1' });
  const end = el('input', { type: 'datetime-local', name: 'end', id: 'end', step: '1' });
  const field = (label, input) => el('label', {}, label, input);
  form.append(
    field('Service', service), field('Span name', spanName), field('Remote service', remote),
    field('Tags and annotations', el('input', { name: 'annotationQuery', id: 'annotationQuery', placeholder: 'error and http.method=GET' })),
    field('Min duration', el('input', { name: 'minDuration', id: 'minDuration', placeholder: '100ms' })),
    field('Max duration', el('input', { name: 'maxDuration', id: 'maxDuration', placeholder: '2s' })),
    field('Time range', range), field('From', start), field('To', end),
    field('Limit', el('input', { name: 'limit', id: 'limit', type: 'number', min: '1', max: '1000', value: '10' })),
    el('button', { type: 'submit', id: 'run-search' }, 'Find traces'),
  );
  const results = el('section', { class: 'panel', 'aria-live': 'polite', id: 'results' });
  main.append(el('section', { class: 'panel' }, el('h1', {}, 'Find traces'), form), results);

  const setCustomVisible = () => {
    const custom = range.value === 'custom';
    start.closest('label').hidden = !custom;
    end.closest('label').hidden = !custom;
  };
  range.addEventListener('change', setCustomVisible);

  const loadNames = async (selected) => {
    spanName.replaceChildren(el('option', { value: '' }, 'any span'));
    remote.replaceChildren(el('option', { value: '' }, 'any remote service'));
    if (!service.value) return;
    const [spans, remotes] = await Promise.all([api.spanNames(service.value), api.remoteServices(service.value)]);
    spanName.append(...spans.map((n) => el('option', { value: n }, n)));
    remote.append(...remotes.map((n) => el('option', { value: n }, n)));
    if (selected) { spanName.value = selected.spanName || ''; remote.value = selected.remoteServiceName || ''; }
  };
  service.addEventListener('change', () => loadNames().catch(showError));

  // Fill the form from the URL.
  const services = await api.services();
  service.append(...services.map((n) => el('option', { value: n }, n)));
  for (const name of ['serviceName', 'annotationQuery', 'minDuration', 'maxDuration', 'limit']) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
  range.value = params.get('range') || (params.has('endTs') ? 'custom' : '1h');
  if (params.has('endTs')) {
    const endTs = Number(params.get('endTs')), lookback = Number(params.get('lookback') || 3600e3);
    end.value = toLocalInput(endTs);
    start.value = toLocalInput(endTs - lookback);
  }
  setCustomVisible();
  await loadNames({ spanName: params.get('spanName'), remoteServiceName: params.get('remoteServiceName') });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = buildQuery(form);
    if (query) navigate('/ui/?' + new URLSearchParams(query).toString());
  });

  if ([...params.keys()].length > 0) await runSearch(results, params);
  else results.append(el('p', { class: 'empty' }, 'Choose what to look for and press "Find traces".'));
}

function toLocalInput(ms) {
  const d = new Date(ms - new Date().getTimezoneOffset() * 60e3);
  return d.toISOString().slice(0, 19);
}

function buildQuery(form) {
  const f = form.elements;
  const query = {};
  for (const name of ['serviceName', 'spanName', 'remoteServiceName', 'annotationQuery']) if (f[name].value.trim()) query[name] = f[name].value.trim();
  for (const name of ['minDuration', 'maxDuration']) {
    if (!f[name].value.trim()) continue;
    const us = parseDuration(f[name].value);
    if (!(us > 0)) { showError(`${name}: "${f[name].value}" is not a duration (e.g. 150ms, 2s, 500us)`); return null; }
    query[name] = String(us);
  }
  query.range = f.range.value;
  if (f.range.value === 'custom') {
    const startMs = Date.parse(f.start.value), endMs = Date.parse(f.end.value);
    if (!(endMs > startMs)) { showError('The custom range needs a start before its end'); return null; }
    query.endTs = String(endMs);
    query.lookback = String(endMs - startMs);
  }
  query.limit = f.limit.value || '10';
  return query;
}

async function runSearch(results, params) {
  const query = Object.fromEntries(params.entries());
  const range = query.range;
  delete query.range;
  if (range && range !== 'custom') {
    const preset = presets.find(([k]) => k === range);
    query.endTs = String(Date.now());
    query.lookback = String(preset ? preset[1] : 3600e3);
  }
  results.replaceChildren(el('p', { class: 'loading' }, 'Searching…'));
  const traces = await api.traces(query);
  results.replaceChildren();
  if (!traces.length) { results.append(el('p', { class: 'empty', id: 'no-results' }, 'No trace matches.')); return; }
  const summaries = traces.map(traceSummary).sort((a, b) => b.start - a.start);
  const longest = Math.max(...summaries.map((s) => s.duration), 1);
  results.append(el('h2', {}, `${summaries.length} trace${summaries.length === 1 ? '' : 's'}`));
  results.append(el('ul', { class: 'results' }, summaries.map((s) => {
    const rootService = s.root.localEndpoint?.serviceName || s.root.remoteEndpoint?.serviceName || 'unknown';
    return el('li', { class: `result${s.error ? ' has-error' : ''}`, 'data-trace-id': s.traceId },
      el('div', {},
        el('a', { class: 'title', href: `/ui/traces/${s.traceId}`, 'data-link': true }, `${rootService}: ${s.root.name || 'unnamed'}`),
        s.error ? el('span', { class: 'error-mark', title: 'a span has an error tag' }, ' ⚠ error') : null,
        el('div', { class: 'meta' }, `${formatTimestamp(s.start)} · ${s.spanCount} span${s.spanCount === 1 ? '' : 's'} · `, el('code', {}, s.traceId)),
        el('div', {}, [...s.services].sort((a, b) => b[1] - a[1]).map(([name, n]) => el('span', { class: 'chip' }, `${name} ×${n}`)))),
      el('div', { class: 'duration' }, formatDuration(s.duration)),
      el('div', { class: 'bar', role: 'presentation' }, el('span', { style: { width: `${Math.max(0.5, (100 * s.duration) / longest)}%` } })));
  })));
}
