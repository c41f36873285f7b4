// One trace: a virtualised waterfall (only the rows on screen are in the DOM, so 10,000 spans
// scroll smoothly), the critical path drawn on it, the network time of each call marked between
// client and server, span details, collapsing, and find.
import { api } from './api.js';
import { el, formatDuration, formatTimestamp, serviceColor, traceSummary } from './format.js';
import { showError } from './app.js';

const ROW = 24, OVERSCAN = 12;

export async function renderTrace(main, traceId, params) {
  main.append(el('p', { class: 'loading' }, `Loading trace ${traceId}…`));
  const [raw, adjusted, critical, network] = await Promise.all([
    api.trace(traceId), api.adjustedTrace(traceId), api.criticalPath(traceId), api.networkLatency(traceId),
  ]);
  main.replaceChildren();
  const view = new TraceView(main, traceId, raw, adjusted, critical, network, params.get('raw') === 'true');
  view.render();
}

function spanKey(s) { return `${s.id}:${s.kind || ''}:${s.shared ? 's' : ''}`; }

/** Rows nested by parent; the server half of a shared span sits under its client half. */
function buildTree(spans) {
  const byKey = new Map(spans.map((s) => [spanKey(s), s]));
  const byId = new Map();
  for (const s of spans) (byId.get(s.id) || byId.set(s.id, []).get(s.id)).push(s);
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    let parent;
    if (s.shared) parent = (byId.get(s.id) || []).find((o) => o !== s && o.kind === 'CLIENT');
    if (!parent && s.parentId) {
      const candidates = (byId.get(s.parentId) || []);
      // A child runs inside the server half of its parent when the parent's id is shared.
      parent = candidates.find((o) => o.shared) || candidates.find((o) => o.kind !== 'CLIENT') || candidates[0];
    }
    if (parent && parent !== s) (children.get(spanKey(parent)) || children.set(spanKey(parent), []).get(spanKey(parent))).push(s);
    else roots.push(s);
  }
  const byStart = (a, b) => (a.timestamp || 0) - (b.timestamp || 0);
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);
  return { roots, children, byKey };
}

class TraceView {
  constructor(main, traceId, raw, adjusted, critical, network, showRaw) {
    this.main = main;
    this.traceId = traceId;
    this.rawByKey = new Map(raw.map((s) => [spanKey(s), s]));
    this.adjusted = adjusted;
    this.critical = critical;
    this.network = network;
    this.showRaw = showRaw;
    this.tree = buildTree(adjusted);
    this.collapsed = new Set();
    this.selected = null;
    this.matches = [];
    this.matchIndex = -1;
    this.segmentsBySpan = new Map();
    for (const seg of critical.segments || []) {
      const k = seg.spanId;
      (this.segmentsBySpan.get(k) || this.segmentsBySpan.set(k, []).get(k)).push(seg);
    }
    // A pair's client is the CLIENT (or PRODUCER) span with that id; its server half may share the id.
    this.legsByClient = new Map();
    for (const pair of network.pairs || []) this.legsByClient.set(pair.clientSpanId, pair);
  }

  times(span) {
    const s = this.showRaw ? (this.rawByKey.get(spanKey(span)) || span) : span;
    return { start: s.timestamp || 0, duration: s.duration || 0 };
  }

  render() {
    const summary = traceSummary(this.adjusted);
    this.start = Infinity;
    let end = -Infinity;
    for (const s of this.adjusted.concat([...this.rawByKey.values()])) {
      if (!s.timestamp) continue;
      this.start = Math.min(this.start, s.timestamp);
      end = Math.max(end, s.timestamp + (s.duration || 0));
    }
    if (!isFinite(this.start)) { this.start = 0; end = 1; }
    this.span = Math.max(1, end - this.start);

    const rootService = summary.root.localEndpoint?.serviceName || 'unknown';
    const header = el('section', { class: 'panel' },
      el('div', { class: 'trace-header' },
        el('h1', {}, `${rootService}: ${summary.root.name || 'unnamed'}`),
        el('span', {}, `${formatDuration(summary.duration)} · ${summary.spanCount} spans · ${summary.services.size} services · ${formatTimestamp(summary.start)}`),
        el('code', { id: 'trace-id' }, this.traceId)));

    const find = el('input', { id: 'find-span', placeholder: 'Find a span (service, name, tag)…', 'aria-label': 'Find a span' });
    this.matchLabel = el('span', { class: 'meta', id: 'find-count' });
    find.addEventListener('input', () => this.find(find.value));
    find.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); this.nextMatch(e.shiftKey ? -1 : 1); } });
    const rawToggle = el('input', { type: 'checkbox', id: 'raw-times', checked: this.showRaw || undefined });
    rawToggle.addEventListener('change', () => { this.showRaw = rawToggle.checked; this.paint(true); });
    const toolbar = el('div', { class: 'toolbar' },
      find, this.matchLabel,
      el('button', { class: 'secondary', type: 'button', onclick: () => { this.collapsed.clear(); this.paint(true); } }, 'Expand all'),
      el('button', { class: 'secondary', type: 'button', onclick: () => { for (const k of this.tree.children.keys()) this.collapsed.add(k); this.paint(true); } }, 'Collapse all'),
      el('label', {}, rawToggle, ' raw times (no clock-skew correction)'),
      el('span', { class: 'legend' },
        el('span', {}, el('i', { style: { border: '2px solid var(--critical)' } }), 'critical path'),
        el('span', {}, el('i', { style: { background: 'var(--network)' } }), 'network time')));

    this.scroller = el('div', { class: 'waterfall', id: 'waterfall', tabindex: '0', role: 'tree', 'aria-label': 'Spans of the trace' });
    this.inner = el('div', { class: 'waterfall-inner' });
    this.scroller.append(this.inner);
    this.scroller.addEventListener('scroll', () => this.paint(false), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.details = el('section', { class: 'panel details', id: 'span-details' }, el('p', { class: 'empty' }, 'Select a span to see its tags, annotations and endpoints.'));

    this.main.append(header, el('section', { class: 'panel' }, toolbar, this.scroller), this.details,
      el('div', { class: 'columns' }, this.criticalPanel(), this.networkPanel()));
    this.paint(true);
  }

  visibleRows() {
    const rows = [];
    const walk = (span, depth) => {
      const key = spanKey(span);
      const kids = this.tree.children.get(key) || [];
      rows.push({ span, depth, key, hasChildren: kids.length > 0 });
      if (!this.collapsed.has(key)) for (const c of kids) walk(c, depth + 1);
    };
    for (const r of this.tree.roots) walk(r, 0);
    return rows;
  }

  paint(rebuild) {
    if (rebuild || !this.rows) {
      this.rows = this.visibleRows();
      this.inner.style.height = `${this.rows.length * ROW}px`;
    }
    const top = this.scroller.scrollTop, height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    if (!rebuild && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) fragment.append(this.row(this.rows[i], i));
    this.inner.replaceChildren(fragment);
  }

  x(us) { return `${(100 * (us - this.start)) / this.span}%`; }

  w(us) { return `${Math.max(0.05, (100 * us) / this.span)}%`; }

  row(r, index) {
    const s = r.span;
    const { start, duration } = this.times(s);
    const service = s.localEndpoint?.serviceName || s.remoteEndpoint?.serviceName || 'unknown';
    const error = s.tags && 'error' in s.tags;
    const lane = el('div', { class: 'lane' },
      el('div', { class: `span-bar${error ? ' error' : ''}`, style: { left: this.x(start), width: this.w(duration), background: serviceColor(service) } }),
      el('span', { class: 'duration-label', style: { left: `calc(${this.x(start + duration)} + 4px)` } }, duration ? formatDuration(duration) : 'unfinished'));
    if (!this.showRaw) {
      for (const seg of this.segmentsBySpan.get(s.id) || []) {
        if (seg.kind && s.kind && seg.kind !== s.kind) continue;
        lane.append(el('div', { class: 'crit', 'data-critical-span': s.id, title: `critical path ${formatDuration(seg.end - seg.start)}`, style: { left: this.x(seg.start), width: this.w(seg.end - seg.start) } }));
      }
      const pair = (s.kind === 'CLIENT' || s.kind === 'PRODUCER') ? this.legsByClient.get(s.id) : undefined;
      if (pair && duration && pair.requestLeg !== undefined) {
        lane.append(el('div', { class: 'net', 'data-network-leg': 'request', title: `request on the network ${formatDuration(pair.requestLeg)}`, style: { left: this.x(start), width: this.w(Math.max(0, pair.requestLeg)) } }));
        lane.append(el('div', { class: 'net', 'data-network-leg': 'response', title: `response on the network ${formatDuration(pair.responseLeg)}`, style: { left: this.x(start + duration - Math.max(0, pair.responseLeg)), width: this.w(Math.max(0, pair.responseLeg)) } }));
      }
    }
    const toggle = el('span', { class: 'toggle', 'aria-hidden': 'true' }, r.hasChildren ? (this.collapsed.has(r.key) ? '▸' : '▾') : '');
    const row = el('div', {
      class: `row${this.selected === r.key ? ' selected' : ''}${this.matches.includes(r.key) ? ' match' : ''}`,
      role: 'treeitem', 'aria-level': r.depth + 1, 'aria-selected': this.selected === r.key ? 'true' : 'false',
      'aria-expanded': r.hasChildren ? String(!this.collapsed.has(r.key)) : undefined,
      'data-span-id': s.id, 'data-kind': s.kind || '', style: { top: `${index * ROW}px` },
    },
      el('div', { class: 'label', style: { paddingLeft: `${r.depth * 14}px` }, title: `${service} ${s.name || ''}` },
        toggle, el('span', { class: 'svc' }, service), ' ', s.name || '', s.kind ? el('span', { class: 'meta' }, ` ${s.kind.toLowerCase()}`) : null),
      lane);
    toggle.addEventListener('click', (e) => { e.stopPropagation(); this.toggle(r.key); });
    row.addEventListener('click', () => this.select(r.key));
    return row;
  }

  toggle(key) {
    if (this.collapsed.has(key)) this.collapsed.delete(key); else this.collapsed.add(key);
    this.paint(true);
  }

  select(key, scroll = false) {
    this.selected = key;
    const index = this.rows.findIndex((r) => r.key === key);
    if (scroll && index >= 0) {
      const top = index * ROW;
      if (top < this.scroller.scrollTop || top > this.scroller.scrollTop + this.scroller.clientHeight - ROW) this.scroller.scrollTop = top - this.scroller.clientHeight / 3;
    }
    this.paint(true);
    this.showDetails(this.tree.byKey.get(key));
  }

  onKey(e) {
    if (!this.rows.length) return;
    let index = Math.max(0, this.rows.findIndex((r) => r.key === this.selected));
    const row = this.rows[index];
    switch (e.key) {
      case 'ArrowDown': index = Math.min(this.rows.length - 1, index + (this.selected ? 1 : 0)); break;
      case 'ArrowUp': index = Math.max(0, index - 1); break;
      case 'ArrowLeft': if (row.hasChildren && !this.collapsed.has(row.key)) this.toggle(row.key); e.preventDefault(); return;
      case 'ArrowRight': if (row.hasChildren && this.collapsed.has(row.key)) this.toggle(row.key); e.preventDefault(); return;
      default: return;
    }
    e.preventDefault();
    this.select(this.rows[index].key, true);
  }

  find(text) {
    const needle = text.trim().toLowerCase();
    this.matches = [];
    this.matchIndex = -1;
    if (needle) {
      for (const s of this.adjusted) {
        const hay = [s.name, s.localEndpoint?.serviceName, s.remoteEndpoint?.serviceName, s.id, ...Object.entries(s.tags || {}).flat(), ...(s.annotations || []).map((a) => a.value)];
        if (hay.some((v) => v && String(v).toLowerCase().includes(needle))) this.matches.push(spanKey(s));
      }
    }
    this.matchLabel.textContent = needle ? `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}` : '';
    this.paint(true);
    if (this.matches.length) this.nextMatch(1);
  }

  nextMatch(step) {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
    const key = this.matches[this.matchIndex];
    this.expandTo(key);
    this.matchLabel.textContent = `${this.matchIndex + 1} of ${this.matches.length}`;
    this.select(key, true);
  }

  expandTo(key) {
    // Open every collapsed ancestor so the match has a row.
    const parents = new Map();
    for (const [p, kids] of this.tree.children) for (const k of kids) parents.set(spanKey(k), p);
    for (let p = parents.get(key); p; p = parents.get(p)) this.collapsed.delete(p);
    this.rows = this.visibleRows();
  }

  showDetails(span) {
    if (!span) return;
    const raw = this.rawByKey.get(spanKey(span)) || span;
    const t = (label, value) => el('tr', {}, el('th', {}, label), el('td', {}, value ?? '—'));
    const ep = (e) => (e ? [e.serviceName, e.ipv4, e.ipv6 && `[${e.ipv6}]`, e.port].filter(Boolean).join(' ') : '—');
    const shift = (span.timestamp || 0) - (raw.timestamp || 0);
    this.details.replaceChildren(
      el('h2', {}, `${span.localEndpoint?.serviceName || 'unknown'}: ${span.name || 'unnamed'}`),
      el('table', {}, el('tbody', {},
        t('Span id', span.id), t('Parent id', span.parentId), t('Kind', span.kind), t('Shared', span.shared ? 'yes' : null),
        t('Start', `${formatTimestamp(raw.timestamp)} (+${formatDuration((span.timestamp || 0) - this.start)} into the trace)`),
        t('Duration', formatDuration(span.duration)),
        t('Clock-skew correction', shift ? `shifted by ${formatDuration(Math.abs(shift))} ${shift > 0 ? 'later' : 'earlier'}` : 'none'),
        t('Local endpoint', ep(span.localEndpoint)), t('Remote endpoint', ep(span.remoteEndpoint)))),
      el('h2', {}, 'Tags'),
      Object.keys(span.tags || {}).length
        ? el('table', { id: 'span-tags' }, el('tbody', {}, Object.entries(span.tags).sort().map(([k, v]) => t(k, v))))
        : el('p', { class: 'empty' }, 'No tags.'),
      el('h2', {}, 'Annotations'),
      (span.annotations || []).length
        ? el('table', {}, el('tbody', {}, span.annotations.map((a) => t(`+${formatDuration(a.timestamp - this.start)}`, a.value))))
        : el('p', { class: 'empty' }, 'No annotations.'));
  }

  criticalPanel() {
    const segments = this.critical.segments || [];
    const total = segments.reduce((n, s) => n + (s.end - s.start), 0);
    return el('section', { class: 'panel', id: 'critical-path' },
      el('h2', {}, `Critical path · ${formatDuration(total)}`),
      segments.length ? el('table', { class: 'data' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Service'), el('th', {}, 'Span'), el('th', { class: 'num' }, 'From'), el('th', { class: 'num' }, 'Length'))),
        el('tbody', {}, segments.map((s) => el('tr', { 'data-segment-span': s.spanId, 'data-start': s.start, 'data-end': s.end },
          el('td', {}, s.serviceName || 'unknown'), el('td', {}, s.name || ''),
          el('td', { class: 'num' }, `+${formatDuration(s.start - this.start)}`), el('td', { class: 'num', 'data-length': s.end - s.start }, formatDuration(s.end - s.start))))))
        : el('p', { class: 'empty' }, 'No critical path: the trace has no finished root span.'));
  }

  networkPanel() {
    const pairs = this.network.pairs || [];
    return el('section', { class: 'panel', id: 'network-latency' },
      el('h2', {}, 'Time on the network'),
      pairs.length ? el('table', { class: 'data' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Call'), el('th', { class: 'num' }, 'Request'), el('th', { class: 'num' }, 'Response'), el('th', { class: 'num' }, 'Total'))),
        el('tbody', {}, pairs.map((p) => el('tr', { 'data-client-span': p.clientSpanId, 'data-total': p.total },
          el('td', {}, `${p.clientServiceName || '?'} → ${p.serverServiceName || '?'}${p.kind === 'messaging' ? ' (message)' : ''}`),
          el('td', { class: 'num' }, formatDuration(p.requestLeg)), el('td', { class: 'num' }, formatDuration(p.responseLeg)),
          el('td', { class: 'num' }, formatDuration(p.total))))))
        : el('p', { class: 'empty' }, 'No client/server or producer/consumer pairs in this trace.'));
  }
}

export { buildTree };
