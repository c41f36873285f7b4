// The router: /ui/ (search), /ui/traces/{id}, /ui/dependencies, /ui/analysis. Links with data-link
// navigate without reloading; every page renders into <main> and reports failures in the banner.
import { renderSearch } from './search.js';
import { renderTrace } from './trace.js';
import { renderDependencies } from './dependencies.js';
import { renderAnalysis } from './analysis.js';

const main = document.getElementById('app');
const banner = document.getElementById('error');

export function showError(error) {
  banner.textContent = error instanceof Error ? error.message : String(error);
  banner.hidden = false;
}

export function clearError() { banner.hidden = true; banner.textContent = ''; }

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  route();
}

let generation = 0;

async function route() {
  const mine = ++generation;
  clearError();
  const path = location.pathname.replace(/\/+$/, '') || '/ui';
  const params = new URLSearchParams(location.search);
  let page = 'search';
  let render;
  const trace = /^\/ui\/traces\/([^/]+)$/.exec(path);
  if (trace) { page = 'trace'; render = () => renderTrace(main, decodeURIComponent(trace[1]), params); }
  else if (path === '/ui/dependencies') { page = 'dependencies'; render = () => renderDependencies(main, params); }
  else if (path === '/ui/analysis') { page = 'analysis'; render = () => renderAnalysis(main, params); }
  else render = () => renderSearch(main, params);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  try {
    await render();
  } catch (e) {
    if (mine === generation) showError(e);
  }
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});

document.getElementById('goto-trace').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = e.target.traceId.value.trim();
  if (!/^[0-9a-fA-F]{1,32}$/.test(id)) { showError(`"${id}" is not a trace id: 1 to 32 hex digits`); return; }
  navigate(`/ui/traces/${id.toLowerCase()}`);
});

window.addEventListener('popstate', route);
window.addEventListener('unhandledrejection', (e) => showError(e.reason));
route();
