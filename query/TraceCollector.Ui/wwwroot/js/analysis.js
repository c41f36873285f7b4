// Where the time goes across many traces: operations ranked by their share of critical-path time,
// and the service-to-service edges ranked by time lost on the network.
import { api } from './api.js';
import { el, formatDuration } from './format.js';
import { navigate, showError } from './app.js';
import { windowRange, windowSelect } from './window.js';

export async function renderAnalysis(main, params) {
  const service = el('select', { name: 'serviceName', id: 'analysis-service' }, el('option', { value: '' }, 'choose a service'));
  const spanName = el('select', { name: 'spanName', id: 'analysis-span' }, el('option', { value: '' }, 'any span'));
  const limit = el('input', { type: 'number', name: 'limit', id: 'analysis-limit', min: '1', max: '10000', value: params.get('limit') || '1000' });
  const select = windowSelect(params);
  const form = el('form', { class: 'toolbar' },
    el('label', {}, 'Service ', service), el('label', {}, 'Span ', spanName), el('label', {}, 'Window ', select),
    el('label', {}, 'Traces ', limit), el('button', { type: 'submit', id: 'run-analysis' }, 'Analyse'));
  const results = el('div', { class: 'columns' });
  main.append(el('section', { class: 'panel' }, el('h1', {}, 'Where the time goes'), form), results);

  service.append(...(await api.services()).map((n) => el('option', { value: n }, n)));
  const loadSpans = async () => {
    spanName.replaceChildren(el('option', { value: '' }, 'any span'));
    if (service.value) spanName.append(...(await api.spanNames(service.value)).map((n) => el('option', { value: n }, n)));
  };
  service.addEventListener('change', () => loadSpans().catch(showError));
  service.value = params.get('serviceName') || '';
  await loadSpans();
  spanName.value = params.get('spanName') || '';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!service.value) { showError('Choose a service to analyse'); return; }
    const q = new URLSearchParams({ serviceName: service.value, window: select.value, limit: limit.value || '1000' });
    if (spanName.value) q.set('spanName', spanName.value);
    navigate(`/ui/analysis?${q}`);
  });
  if (!params.get('serviceName')) { results.append(el('p', { class: 'empty' }, 'Choose a service and press "Analyse".')); return; }

  const { endTs, lookback } = windowRange(params);
  const [operations, edges] = await Promise.all([
    api.criticalPathAnalysis({ serviceName: params.get('serviceName'), spanName: params.get('spanName'), endTs, lookback, limit: params.get('limit') || 1000 }),
    api.networkLatencyAnalysis({ endTs, lookback }),
  ]);
  results.append(operationsPanel(operations), edgesPanel(edges));
}

function operationsPanel(result) {
  const ops = result.operations || [];
  const top = Math.max(...ops.map((o) => o.share), 0.0001);
  return el('section', { class: 'panel', id: 'critical-operations' },
    el('h2', {}, `Critical-path time by operation (${result.traceCount ?? '?'} traces)`),
    ops.length ? el('table', { class: 'data' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Operation'), el('th', {}, 'Share'), el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p90'), el('th', { class: 'num' }, 'p99'))),
      el('tbody', {}, ops.map((o) => el('tr', { 'data-service': o.serviceName, 'data-span': o.spanName, 'data-share': o.share },
        el('td', {}, `${o.serviceName}: ${o.spanName || 'unnamed'}`),
        el('td', {}, el('div', { class: 'hbar', style: { width: `${(100 * o.share) / top}%` }, title: `${(100 * o.share).toFixed(1)}%` }), `${(100 * o.share).toFixed(1)}%`),
        el('td', { class: 'num' }, formatDuration(o.p50)), el('td', { class: 'num' }, formatDuration(o.p90)), el('td', { class: 'num' }, formatDuration(o.p99))))))
      : el('p', { class: 'empty' }, 'No matching traces with a critical path in this window.'));
}

function edgesPanel(result) {
  const rows = [...(result.edges || [])].sort((a, b) => b.p99 - a.p99);
  return el('section', { class: 'panel', id: 'network-edges' },
    el('h2', {}, 'Network time by call edge'),
    rows.length ? el('table', { class: 'data' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Edge'), el('th', { class: 'num' }, 'Calls'), el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p90'), el('th', { class: 'num' }, 'p99'))),
      el('tbody', {}, rows.map((e) => el('tr', { 'data-edge': `${e.clientServiceName}→${e.serverServiceName}` },
        el('td', {}, `${e.clientServiceName} → ${e.serverServiceName}${e.kind === 'messaging' ? ' (message)' : ''}`), el('td', { class: 'num' }, e.callCount),
        el('td', { class: 'num' }, formatDuration(e.p50)), el('td', { class: 'num' }, formatDuration(e.p90)), el('td', { class: 'num' }, formatDuration(e.p99))))))
      : el('p', { class: 'empty' }, 'No measured calls in this window.'));
}
