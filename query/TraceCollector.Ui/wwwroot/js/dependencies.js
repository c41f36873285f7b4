// The service graph for a window: nodes sized by traffic, edges labelled with calls, error rate
// and network-time p50/p99. Laid out in layers (callers left of callees), drawn in SVG.
import { api } from './api.js';
import { el, formatDuration } from './format.js';
import { navigate } from './app.js';
import { windowRange, windowSelect } from './window.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

export async function renderDependencies(main, params) {
  const select = windowSelect(params);
  const form = el('form', { class: 'toolbar' }, el('label', {}, 'Window ', select), el('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => { e.preventDefault(); navigate(`/ui/dependencies?window=${select.value}`); });
  const graph = el('section', { class: 'panel graph', id: 'dependency-graph' }, el('p', { class: 'loading' }, 'Loading…'));
  main.append(el('section', { class: 'panel' }, el('h1', {}, 'Service dependencies'), form), graph);

  const { endTs, lookback } = windowRange(params);
  const links = await api.dependencies(endTs, lookback);
  graph.replaceChildren();
  if (!links.length) { graph.append(el('p', { class: 'empty', id: 'no-dependencies' }, 'No calls between services in this window.')); return; }
  // Our /dependencies links carry their network-time percentiles beside Zipkin's fields.
  const latencyByEdge = new Map(links.filter((l) => l.networkLatency).map((l) => [`${l.parent}→${l.child}`, l.networkLatency]));
  graph.append(draw(links, latencyByEdge));
  graph.append(edgeTable(links, latencyByEdge));
}

function layers(nodes, links) {
  const layer = new Map(nodes.map((n) => [n, 0]));
  // Longest path from callers; bounded passes so a cycle cannot loop forever.
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const l of links) {
      if (l.parent === l.child) continue;
      const want = layer.get(l.parent) + 1;
      if (want > layer.get(l.child) && want < nodes.length) { layer.set(l.child, want); changed = true; }
    }
    if (!changed) break;
  }
  return layer;
}

function draw(links, latencyByEdge) {
  const nodes = [...new Set(links.flatMap((l) => [l.parent, l.child]))].sort();
  const layer = layers(nodes, links);
  const columns = new Map();
  for (const n of nodes) (columns.get(layer.get(n)) || columns.set(layer.get(n), []).get(layer.get(n))).push(n);
  const traffic = new Map(nodes.map((n) => [n, 0]));
  for (const l of links) { traffic.set(l.parent, traffic.get(l.parent) + l.callCount); traffic.set(l.child, traffic.get(l.child) + l.callCount); }
  const maxTraffic = Math.max(...traffic.values(), 1);
  const colWidth = 320, rowHeight = 110, margin = 80;
  const maxRows = Math.max(...[...columns.values()].map((c) => c.length));
  // A small graph keeps a readable scale: the drawing is centred in a minimum canvas instead of stretched.
  const width = Math.max(900, margin * 2 + (columns.size - 1) * colWidth), height = Math.max(320, margin * 2 + (maxRows - 1) * rowHeight);
  const offsetX = (width - (columns.size - 1) * colWidth) / 2, offsetY = (height - (maxRows - 1) * rowHeight) / 2;
  const pos = new Map();
  for (const [c, names] of columns) names.forEach((n, i) => pos.set(n, { x: offsetX + c * colWidth, y: offsetY + (i + (maxRows - names.length) / 2) * rowHeight }));
  const radius = (n) => 8 + 18 * Math.sqrt(traffic.get(n) / maxTraffic);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Service dependency graph' });
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8a97a8' }))));
  for (const l of links) {
    const a = pos.get(l.parent), b = pos.get(l.child);
    const errorRate = l.callCount ? (l.errorCount || 0) / l.callCount : 0;
    const lat = latencyByEdge.get(`${l.parent}→${l.child}`);
    let d, mx, my;
    if (l.parent === l.child) {
      const r = radius(l.parent);
      d = `M ${a.x - r / 2} ${a.y - r} C ${a.x - 40} ${a.y - 70}, ${a.x + 40} ${a.y - 70}, ${a.x + r / 2} ${a.y - r}`;
      mx = a.x; my = a.y - 62;
    } else {
      const ra = radius(l.parent), rb = radius(l.child);
      const sx = a.x + (b.x >= a.x ? ra : -ra), ex = b.x + (b.x >= a.x ? -rb : rb);
      const c = (ex - sx) / 2;
      d = `M ${sx} ${a.y} C ${sx + c} ${a.y}, ${ex - c} ${b.y}, ${ex} ${b.y}`;
      mx = (sx + ex) / 2; my = (a.y + b.y) / 2 - 6;
    }
    const calls = `${l.callCount} calls${errorRate ? ` · ${(100 * errorRate).toFixed(1)}% errors` : ''}`;
    const label = svg('text', { x: mx, y: my - (lat ? 12 : 0), 'text-anchor': 'middle' }, svg('tspan', { x: mx }, document.createTextNode(calls)));
    if (lat) label.append(svg('tspan', { x: mx, dy: '13' }, document.createTextNode(` network p50 ${formatDuration(lat.p50)} · p99 ${formatDuration(lat.p99)}`)));
    root.append(svg('g', { class: `edge${errorRate > 0 ? ' errors' : ''}`, 'data-parent': l.parent, 'data-child': l.child },
      svg('path', { d, 'marker-end': 'url(#arrow)' }), label));
  }
  for (const n of nodes) {
    const p = pos.get(n);
    root.append(svg('g', { class: 'node', 'data-service': n, transform: `translate(${p.x},${p.y})` },
      svg('circle', { r: radius(n) }), svg('text', { y: radius(n) + 14, 'text-anchor': 'middle' }, document.createTextNode(n))));
  }
  return root;
}

function edgeTable(links, latencyByEdge) {
  const rows = [...links].sort((a, b) => b.callCount - a.callCount);
  return el('table', { class: 'data', id: 'dependency-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Caller'), el('th', {}, 'Callee'), el('th', { class: 'num' }, 'Calls'), el('th', { class: 'num' }, 'Errors'),
      el('th', { class: 'num' }, 'Network p50'), el('th', { class: 'num' }, 'Network p99'))),
    el('tbody', {}, rows.map((l) => {
      const lat = latencyByEdge.get(`${l.parent}→${l.child}`);
      return el('tr', {}, el('td', {}, l.parent), el('td', {}, l.child), el('td', { class: 'num' }, l.callCount), el('td', { class: 'num' }, l.errorCount || 0),
        el('td', { class: 'num' }, lat ? formatDuration(lat.p50) : '—'), el('td', { class: 'num' }, lat ? formatDuration(lat.p99) : '—'));
    })));
}
