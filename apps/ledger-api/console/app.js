'use strict';
/*
 * The ledger's web console: plain JavaScript, no build step. Every figure comes from the ledger's
 * API with the bearer token pasted at sign-in (kept in sessionStorage only); the token's role is
 * decoded here for display and to hide what the role cannot use, but the API decides access.
 */
(function () {
  const FUNDS = ['municipal', 'caidian', 'jiangxia', 'dongxihu', 'huangpi', 'xinzhou'];
  /** What each role may open, as the API grants it (libs/access/src/roles.ts). */
  const VIEWS = {
    clerk: ['resident'],
    'finance-bureau': ['funds', 'fund', 'resident'],
    'district-manager': ['funds', 'fund', 'resident'],
    auditor: ['funds', 'fund', 'resident', 'audits'],
  };
  const READS_EVENTS = ['auditor', 'finance-bureau'];
  const TOKEN_KEY = 'ledger.console.token';
  const LANG_KEY = 'ledger.console.lang';

  const state = {
    lang: localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh',
    token: sessionStorage.getItem(TOKEN_KEY),
    claims: null,
    config: { today: new Date().toISOString().slice(0, 10), monthsOfPayment: { shortage: '3', warning: '6', excess: '15' }, rules: {} },
    charts: [],
    lastAudit: null,
    renderId: 0,
  };

  const $ = (id) => document.getElementById(id);

  // ---------- words and numbers ----------

  function t(key, vars) {
    const words = window.I18N[state.lang][key] ?? window.I18N.zh[key] ?? key;
    return vars ? words.replace(/\{(\w+)\}/g, (_, name) => String(vars[name])) : words;
  }
  const fundName = (id) => t('fund.' + id);
  /** Words for a code, or the code itself where the console has none. */
  const label = (prefix, code) => {
    const words = window.I18N[state.lang][prefix + '.' + code] ?? window.I18N.zh[prefix + '.' + code];
    return words ?? code;
  };
  /** A category label, or the key itself for a category this console does not know yet. */
  function categoryName(path) {
    const key = 'cat.' + path;
    const words = window.I18N[state.lang][key] ?? window.I18N.zh[key];
    return words ?? path.split('.').slice(1).join(' · ');
  }

  /** "1234567.80" → "1,234,567.80", exactly as the API wrote it (no floating point). */
  function money(text) {
    if (text === null || text === undefined) return '—';
    const match = /^(-?)(\d+)(\.\d+)?$/.exec(String(text));
    if (!match) return String(text);
    return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (match[3] ?? '');
  }
  /** Exact sums of yuan strings in fen. */
  function fen(text) {
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text ?? '0'));
    if (!match) return 0n;
    const value = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
    return match[1] ? -value : value;
  }
  function yuan(fenValue) {
    const negative = fenValue < 0n;
    const abs = negative ? -fenValue : fenValue;
    return (negative ? '-' : '') + (abs / 100n).toString() + '.' + (abs % 100n).toString().padStart(2, '0');
  }
  const num = (text) => (text === null || text === undefined ? null : Number(text));

  // ---------- DOM ----------

  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else if (name === 'class') element.className = value;
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    append(element, children);
    return element;
  }
  /** Appends children, skipping the absent ones (null, undefined, false). */
  function append(element, ...children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  function fill(element, ...children) {
    element.replaceChildren();
    append(element, children);
  }
  /** A table whose number columns (as the first row shows) have their headers aligned with the figures. */
  function table(headers, rows, attrs) {
    const first = rows.find((row) => row && row.cells);
    const numeric = (index) => Boolean(first && first.cells[index] && first.cells[index].classList.contains('num'));
    return h('table', attrs ?? {}, h('thead', {}, h('tr', {}, headers.map((header, index) => h('th', { class: numeric(index) ? 'num' : null }, header)))), h('tbody', {}, rows));
  }
  const numCell = (text, attrs) => h('td', Object.assign({ class: 'num' }, attrs ?? {}), money(text));
  const card = (label, value, extra) => h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value), extra ?? null);
  const section = (title, ...body) => h('section', { class: 'panel' }, h('h2', {}, title), body);
  const errorBox = (error) => h('p', { class: 'error', role: 'alert' }, describeError(error));
  const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);

  function applyStaticWords() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.title');
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    $('lang').textContent = state.lang === 'zh' ? 'English' : '中文';
  }

  // ---------- the API ----------

  class ApiError extends Error {
    constructor(status, detail, problems) {
      super(detail);
      this.status = status;
      this.problems = problems ?? [];
    }
  }

  async function api(path, options) {
    const init = { method: (options && options.method) || 'GET', headers: { Authorization: 'Bearer ' + state.token, Accept: (options && options.accept) || 'application/json' } };
    if (options && options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, t('error.network') + error.message);
    }
    if (response.status === 401) {
      const problem = await response.json().catch(() => ({}));
      signOut(t('signIn.refused') + (problem.detail || problem.message || response.statusText));
      throw new ApiError(401, problem.detail || 'unauthorized');
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new ApiError(response.status, problem.detail || problem.message || response.statusText, problem.problems);
    }
    return options && options.raw ? response : response.json();
  }

  function describeError(error) {
    if (error instanceof ApiError && error.status === 403) return t('error.forbidden') + ' ' + error.message;
    if (error instanceof ApiError && error.status === 404) return t('error.notFound') + ' ' + error.message;
    if (error instanceof ApiError && error.status === 0) return error.message;
    return t('error.generic') + (error && error.message ? error.message : String(error));
  }

  /** Fetches a file with the token and hands it to the browser as a download. */
  async function download(path, fallbackName, options) {
    const response = await api(path, Object.assign({ raw: true }, options ?? {}));
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') || '';
    const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    saveBlob(blob, named ? decodeURIComponent(named[1]) : fallbackName);
  }
  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---------- sign-in ----------

  function decodeToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
      const claims = JSON.parse(decodeURIComponent(escape(json)));
      return typeof claims.role === 'string' ? claims : null;
    } catch {
      return null;
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const token = $('token').value.trim().replace(/^Bearer\s+/i, '');
    const claims = decodeToken(token);
    const fail = (message) => {
      $('sign-in-error').textContent = message;
      $('sign-in-error').hidden = false;
    };
    if (!claims || !VIEWS[claims.role]) return fail(t('signIn.malformed'));
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return fail(t('signIn.expired'));
    state.token = token;
    state.claims = claims;
    // Ask the ledger once, so a token signed with another key is refused here and not on every page.
    if (VIEWS[claims.role].includes('funds')) {
      try {
        await api('/v1/funds');
      } catch (error) {
        state.token = null;
        state.claims = null;
        if (error.status !== 401) return fail(describeError(error));
        return fail($('sign-in-error').textContent || t('signIn.refused'));
      }
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    $('sign-in-error').hidden = true;
    // An event asked for by link (a downloaded report's evidence) is shown once signed in.
    if (route().view !== 'event') location.hash = '#/' + VIEWS[claims.role][0];
    render();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.claims = null;
    location.hash = '';
    render();
    if (message) {
      $('sign-in-error').textContent = message;
      $('sign-in-error').hidden = false;
    }
  }

  // ---------- routing ----------

  function route() {
    const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
    const [view, id] = path.split('/');
    return { view, id: id ? decodeURIComponent(id) : undefined, params: new URLSearchParams(query ?? '') };
  }
  function go(view, id, params) {
    const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString() : '';
    location.hash = '#/' + view + (id ? '/' + encodeURIComponent(id) : '') + (query ? '?' + query : '');
  }

  function disposeCharts() {
    for (const chart of state.charts) chart.dispose();
    state.charts = [];
  }
  function chart(container, option) {
    const instance = echarts.init(container, null, { renderer: 'canvas' });
    instance.setOption(option);
    state.charts.push(instance);
    return instance;
  }

  function render() {
    applyStaticWords();
    disposeCharts();
    state.renderId += 1;
    const signedIn = Boolean(state.token && state.claims);
    $('sign-in').hidden = signedIn;
    $('view').hidden = !signedIn;
    $('nav').hidden = !signedIn;
    $('whoami').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
    if (!signedIn) return;
    const role = state.claims.role;
    const allowed = VIEWS[role];
    $('whoami').textContent = t('role.' + role) + (state.claims.fund ? ' · ' + fundName(state.claims.fund) : '') + (state.claims.sub ? ' (' + state.claims.sub + ')' : '');
    let { view, id, params } = route();
    // #/event/<position>: an evidence link of a downloaded inspection report; the event over the role's first view.
    const eventAsked = view === 'event' && id && READS_EVENTS.includes(role) ? id : null;
    if (!allowed.includes(view)) {
      view = allowed[0];
      id = undefined;
    }
    for (const link of document.querySelectorAll('#nav a')) {
      link.hidden = !allowed.includes(link.dataset.view);
      link.classList.toggle('active', link.dataset.view === view);
    }
    const container = $('view');
    container.replaceChildren();
    const views = { funds: renderFunds, fund: renderFund, resident: renderResident, audits: renderAudits };
    views[view](container, id, params, state.renderId);
    if (eventAsked) openEvent(eventAsked);
  }
  /** A view's later steps stop when the user has moved on. */
  const current = (renderId) => renderId === state.renderId;

  // ---------- funds overview ----------

  function monthsBack(date, count) {
    const year = Number(date.slice(0, 4));
    const month = Number(date.slice(5, 7)) - 1 - count;
    const start = new Date(Date.UTC(year, month, 1));
    return start.toISOString().slice(0, 10);
  }
  function visibleFunds() {
    return state.claims.role === 'district-manager' ? [state.claims.fund] : FUNDS;
  }
  /** The months-of-payment levels in force (policy parameters fund.months-of-payment-*). */
  const levels = () => ({
    shortage: Number(state.config.monthsOfPayment.shortage),
    warning: Number(state.config.monthsOfPayment.warning),
    excess: Number(state.config.monthsOfPayment.excess),
  });
  const levelsText = () => t('funds.levels', state.config.monthsOfPayment);
  function levelOf(value) {
    if (value === null || value === undefined) return 'none';
    const n = Number(value);
    const { shortage, warning, excess } = levels();
    return n < shortage ? 'short' : n < warning ? 'warn' : n > excess ? 'excess' : 'ok';
  }

  function monthsBadge(value, withValue) {
    const level = levelOf(value);
    if (level === 'none') return h('span', { class: 'badge muted' }, t('funds.noOutflow'));
    const words = t('funds.level.' + level);
    return h('span', { class: 'badge ' + level, 'data-level': level, title: levelsText() }, withValue === false ? words : value + ' · ' + words);
  }

  async function renderFunds(container, _id, params, renderId) {
    const asOf = params.get('asOf') || state.config.today;
    const asOfInput = h('input', { type: 'date', id: 'funds-as-of', value: asOf, max: '2100-12-31' });
    container.append(
      h('div', { class: 'toolbar' }, h('h1', {}, t(visibleFunds().length > 1 ? 'funds.title' : 'funds.titleOwn')), field(t('funds.asOf'), asOfInput),
        h('button', { type: 'button', class: 'primary', onclick: () => go('funds', undefined, { asOf: asOfInput.value }) }, t('fund.apply'))),
    );
    const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
    container.append(body);
    try {
      const from = monthsBack(asOf, 11);
      const rows = await api('/v1/funds?asOf=' + asOf);
      const details = await Promise.all(
        rows.map(async (row) => {
          const [fund, statement] = await Promise.all([
            api('/v1/funds/' + row.fundId + '?asOf=' + asOf),
            api('/v1/funds/' + row.fundId + '/statement?from=' + from + '&to=' + asOf),
          ]);
          const thisYear = statement.months.filter((month) => month.month.startsWith(asOf.slice(0, 4)));
          const sum = (pick) => yuan(thisYear.reduce((total, month) => total + fen(pick(month)), 0n));
          return { row, fund, statement, ytdIncome: sum((m) => m.income.total), ytdOutflow: sum((m) => m.outflow.total) };
        }),
      );
      if (!current(renderId)) return;
      body.replaceChildren();
      const total = (pick) => yuan(details.reduce((sum, detail) => sum + fen(pick(detail)), 0n));
      const tableRows = details.map((detail) =>
        h('tr', { 'data-fund': detail.row.fundId },
          h('td', {}, h('a', { href: '#/fund/' + detail.row.fundId + '?asOf=' + asOf }, fundName(detail.row.fundId))),
          numCell(detail.row.balance, { 'data-field': 'balance' }),
          numCell(detail.ytdIncome, { 'data-field': 'ytd-income' }),
          numCell(detail.ytdOutflow, { 'data-field': 'ytd-outflow' }),
          h('td', { 'data-field': 'months' }, monthsBadge(detail.fund.monthsOfPayment)),
        ),
      );
      if (details.length > 1) {
        tableRows.push(h('tr', { class: 'total' }, h('td', {}, t('funds.total')), numCell(total((d) => d.row.balance)), numCell(total((d) => d.ytdIncome)), numCell(total((d) => d.ytdOutflow)), h('td', {})));
      }
      body.append(
        section(
          t(details.length > 1 ? 'funds.title' : 'funds.titleOwn') + ' · ' + asOf,
          table([t('resident.fund'), t('funds.balance'), t('funds.ytdIncome'), t('funds.ytdOutflow'), t('funds.months')], tableRows, { id: 'funds-table', class: 'figures' }),
          h('p', { class: 'muted small' }, levelsText()),
        ),
      );
      const trend = h('div', { class: 'chart', id: 'funds-trend' });
      const months = h('div', { class: 'chart', id: 'funds-months' });
      append(body, h('div', { class: 'grid two' }, section(t('funds.trend'), trend), section(t(details.length > 1 ? 'funds.monthsByFund' : 'funds.months'), months)));
      chart(months, Charts.monthsByFund(state.lang, details.map((d) => fundName(d.row.fundId)), details.map((d) => d.fund.monthsOfPayment ?? null), levels(),
        { series: t('funds.months'), short: t('funds.line.short'), warn: t('funds.line.warn'), excess: t('funds.line.excess') }));
      const trendMonths = details[0] ? details[0].statement.months.map((month) => month.month) : [];
      chart(trend, Charts.lines(state.lang, trendMonths, details.map((detail) => ({ name: fundName(detail.row.fundId), data: detail.statement.months.map((month) => num(month.closingBalance)) }))));
    } catch (error) {
      if (current(renderId)) body.replaceChildren(errorBox(error));
    }
  }

  // ---------- fund page ----------

  /**
   * Categories that are already inside another one ("of which"): hardship contribution aid is part
   * of the fiscal subsidies of its level. Listed in tables, never added into a stack.
   */
  const OF_WHICH = ['income.hardshipContributionAid'];
  const isOfWhich = (path) => OF_WHICH.some((prefix) => path === prefix || path.startsWith(prefix + '.'));

  /** The leaves of an income/outflow object ("subsidies.central" …), totals apart. */
  function categories(prefix, object, into) {
    const leaves = into ?? [];
    for (const [key, value] of Object.entries(object ?? {})) {
      if (key === 'total') continue;
      if (value && typeof value === 'object') categories(prefix + '.' + key, value, leaves);
      else leaves.push({ path: prefix + '.' + key, value });
    }
    return leaves;
  }
  function categoryTable(prefix, figures, id) {
    const rows = categories(prefix, figures).map((leaf) =>
      h('tr', { 'data-category': leaf.path, class: isOfWhich(leaf.path) ? 'of-which' : null }, h('td', {}, categoryName(leaf.path)), numCell(leaf.value)));
    rows.push(h('tr', { class: 'total', 'data-category': prefix + '.total' }, h('td', {}, categoryName(prefix + '.total')), numCell(figures.total)));
    return table([t('fund.category'), t('fund.amount')], rows, { id, class: 'figures' });
  }
  /** An instant as the browser's local "YYYY-MM-DDTHH:MM:SS", for a datetime-local input. */
  function localInstant(iso) {
    const date = new Date(iso);
    return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
  }
  function lastDayOf(month) {
    const [year, m] = month.split('-').map(Number);
    return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
  }

  async function renderFund(container, id, params, renderId) {
    const funds = visibleFunds();
    const fundId = funds.includes(id) ? id : funds[0];
    const asOf = params.get('asOf') || state.config.today;
    const knownAt = params.get('knownAt') || '';
    const to = params.get('to') || asOf;
    const from = params.get('from') || monthsBack(to, 11);
    const inputs = {
      fund: h('select', { id: 'fund-select' }, funds.map((f) => h('option', { value: f, selected: f === fundId }, fundName(f)))),
      asOf: h('input', { type: 'date', id: 'fund-as-of', value: asOf }),
      knownAt: h('input', { type: 'datetime-local', id: 'fund-known-at', step: 1, value: knownAt ? localInstant(knownAt) : '', title: t('fund.knownAtHint') }),
      from: h('input', { type: 'date', id: 'fund-from', value: from }),
      to: h('input', { type: 'date', id: 'fund-to', value: to }),
    };
    const apply = () => {
      const known = inputs.knownAt.value ? new Date(inputs.knownAt.value).toISOString() : '';
      go('fund', inputs.fund.value, { asOf: inputs.asOf.value, knownAt: known, from: inputs.from.value, to: inputs.to.value });
    };
    inputs.fund.addEventListener('change', apply);
    container.append(
      h('div', { class: 'toolbar wrap' },
        h('h1', {}, fundName(fundId)),
        field(t('fund.pick'), inputs.fund), field(t('fund.asOf'), inputs.asOf), field(t('fund.knownAt'), inputs.knownAt),
        field(t('fund.from'), inputs.from), field(t('fund.to'), inputs.to),
        h('button', { type: 'button', class: 'primary', id: 'fund-apply', onclick: apply }, t('fund.apply'))),
    );
    const figures = h('div', { class: 'grid two' }, h('p', { class: 'muted' }, t('loading')));
    const statementPart = h('div', {});
    container.append(figures, statementPart);
    const known = knownAt ? '&knownAt=' + encodeURIComponent(knownAt) : '';

    try {
      const fund = await api('/v1/funds/' + fundId + '?asOf=' + asOf + known);
      if (!current(renderId)) return;
      fill(figures,
        h('div', { class: 'cards wide' },
          h('div', { class: 'card', id: 'fund-balance' }, h('div', { class: 'card-label' }, t('funds.balance')), h('div', { class: 'card-value' }, money(fund.balance))),
          card(t('fund.incomeToDate'), money(fund.income.total)),
          card(t('fund.outflowToDate'), money(fund.outflow.total)),
          card(t('funds.months'), fund.monthsOfPayment ?? '—', h('div', { class: 'small' }, monthsBadge(fund.monthsOfPayment, false)))),
        section(t('fund.income'), categoryTable('income', fund.income, 'fund-income')),
        section(t('fund.outflow'), categoryTable('outflow', fund.outflow, 'fund-outflow')),
      );
    } catch (error) {
      if (current(renderId)) figures.replaceChildren(errorBox(error));
    }

    periodsOf(fundId).then((panel) => panel && current(renderId) && figures.append(panel));
    bankConfirmationsOf(fundId).then((panel) => panel && current(renderId) && figures.append(panel));

    try {
      const statement = await api('/v1/funds/' + fundId + '/statement?from=' + from + '&to=' + to + known);
      if (!current(renderId)) return;
      await renderStatement(statementPart, fundId, statement, { from, to, known }, renderId);
    } catch (error) {
      if (current(renderId)) statementPart.replaceChildren(errorBox(error));
    }
  }

  /** The years the finance bureau has closed, with this fund's closing balance (nothing if none, or on an older ledger). */
  async function periodsOf(fundId) {
    let periods;
    try {
      periods = await api('/v1/periods');
    } catch {
      return null;
    }
    if (!Array.isArray(periods) || periods.length === 0) return null;
    return section(t('fund.periods'), table([t('resident.year'), t('fund.closedAt'), t('fund.closing')],
      periods.map((period) => {
        const own = (period.funds ?? []).find((f) => f.fundId === fundId);
        return h('tr', { 'data-year': period.year }, h('td', {}, period.year), h('td', {}, period.closedAt ?? ''), numCell(own ? own.closingBalance : null));
      }), { id: 'fund-periods', class: 'figures' }));
  }

  /** What the fund's bank confirmed beside the ledger's balance on that date; a difference is flagged (nothing if none, or on an older ledger). */
  async function bankConfirmationsOf(fundId) {
    let rows;
    try {
      rows = await api('/v1/funds/' + fundId + '/bank-confirmations');
    } catch {
      return null;
    }
    if (!Array.isArray(rows) || rows.length === 0) return null;
    return section(t('fund.bank'), table([t('fund.bankDate'), t('fund.bankBalance'), t('fund.ledgerBalance'), t('fund.difference')],
      rows.map((row) => h('tr', { 'data-confirmation': row.confirmationId, class: row.difference === '0.00' ? null : 'differs' },
        h('td', {}, row.date), numCell(row.bankBalance), numCell(row.ledgerBalance),
        numCell(row.difference, { 'data-field': 'difference', title: row.difference === '0.00' ? t('fund.agrees') : t('fund.differs') }))),
      { id: 'fund-bank', class: 'figures' }));
  }

  async function monthsOfPaymentSeries(fundId, statement, to, known) {
    if (statement.months.every((month) => 'monthsOfPayment' in month)) return statement.months.map((month) => month.monthsOfPayment);
    // An older ledger's statement has no months of payment: ask the fund as of each month end.
    if (statement.months.length > 36) return statement.months.map(() => null);
    return Promise.all(
      statement.months.map(async (month) => {
        const end = lastDayOf(month.month) > to ? to : lastDayOf(month.month);
        const fund = await api('/v1/funds/' + fundId + '?asOf=' + end + known);
        return fund.monthsOfPayment;
      }),
    );
  }

  async function renderStatement(container, fundId, statement, range, renderId) {
    const months = statement.months.map((month) => month.month);
    const downloads = h('div', { class: 'downloads' },
      h('span', {}, t('fund.download') + t('colon')),
      ['csv', 'xlsx'].map((format) => h('button', { type: 'button', class: 'secondary', 'data-format': format, onclick: () => downloadStatement(fundId, range, format, note) }, format.toUpperCase())));
    const note = h('span', { class: 'muted small', id: 'download-note', role: 'status' });
    downloads.append(note);
    if (months.length === 0) {
      container.replaceChildren(section(t('fund.statement'), h('p', { class: 'muted' }, t('fund.noMonths')), downloads));
      return;
    }
    const mop = await monthsOfPaymentSeries(fundId, statement, range.to, range.known).catch(() => months.map(() => null));
    if (!current(renderId)) return;
    const series = (prefix) => {
      const paths = [];
      for (const month of statement.months) {
        for (const leaf of categories(prefix, month[prefix])) if (!paths.includes(leaf.path) && !isOfWhich(leaf.path)) paths.push(leaf.path);
      }
      return paths.map((path) => ({
        name: categoryName(path),
        data: statement.months.map((month) => num(path.split('.').slice(1).reduce((value, key) => (value ? value[key] : undefined), month[prefix]) ?? 0)),
      }));
    };
    const charts = {
      income: h('div', { class: 'chart', id: 'chart-income' }),
      outflow: h('div', { class: 'chart', id: 'chart-outflow' }),
      balance: h('div', { class: 'chart', id: 'chart-balance' }),
      months: h('div', { class: 'chart', id: 'chart-months' }),
    };
    const rows = statement.months.map((month, index) =>
      h('tr', { 'data-month': month.month },
        h('td', {}, month.month), numCell(month.openingBalance), numCell(month.income.total), numCell(month.outflow.total),
        numCell(yuan(fen(month.income.total) - fen(month.outflow.total))), numCell(month.closingBalance),
        h('td', { class: 'num' }, mop[index] === null || mop[index] === undefined ? '—' : String(mop[index]))));
    fill(container,
      h('div', { class: 'grid two' },
        section(t('fund.chartIncome'), charts.income),
        section(t('fund.chartOutflow'), charts.outflow),
        section(t('fund.chartBalance'), charts.balance),
        section(t('fund.chartMonths'), charts.months, h('p', { class: 'bands small' },
          h('span', { class: 'swatch short' }), t('funds.level.short') + ' < ' + state.config.monthsOfPayment.shortage,
          h('span', { class: 'swatch warn' }), t('funds.level.warn') + ' < ' + state.config.monthsOfPayment.warning,
          h('span', { class: 'swatch excess' }), t('funds.level.excess') + ' > ' + state.config.monthsOfPayment.excess))),
      section(t('fund.statement') + ' · ' + statement.from + ' — ' + statement.to, downloads,
        table([t('fund.month'), t('fund.opening'), t('fund.incomeTotal'), t('fund.outflowTotal'), t('fund.net'), t('fund.closing'), t('funds.months')], rows, { id: 'statement-table', class: 'figures' })),
    );
    chart(charts.income, Charts.stacked(state.lang, months, series('income')));
    chart(charts.outflow, Charts.stacked(state.lang, months, series('outflow')));
    chart(charts.balance, Charts.lines(state.lang, months, [{ name: t('fund.closing'), data: statement.months.map((month) => num(month.closingBalance)) }], { legendOff: true }));
    chart(charts.months, Charts.monthsOfPayment(state.lang, months, mop.map(num), levels(), { series: t('funds.months'), short: t('funds.line.short'), warn: t('funds.line.warn'), excess: t('funds.line.excess') }));
  }

  async function downloadStatement(fundId, range, format, note) {
    note.textContent = t('loading');
    try {
      await download('/v1/funds/' + fundId + '/statement?from=' + range.from + '&to=' + range.to + range.known + '&format=' + format, 'statement-' + fundId + '-' + range.from + '-' + range.to + '.' + format);
      note.textContent = t('fund.downloaded') + ' ' + format.toUpperCase();
    } catch (error) {
      note.textContent = t('fund.downloadUnavailable') + error.message;
    }
  }

  // ---------- resident lookup ----------

  async function renderResident(container, id, _params, renderId) {
    const input = h('input', { type: 'search', id: 'resident-id', value: id ?? '', placeholder: '420116199001011234', size: 28 });
    const find = () => input.value.trim() && go('resident', input.value.trim());
    input.addEventListener('keydown', (event) => event.key === 'Enter' && find());
    container.append(h('div', { class: 'toolbar' }, h('h1', {}, t('resident.title')), field(t('resident.id'), input), h('button', { type: 'button', class: 'primary', id: 'resident-find', onclick: find }, t('resident.find'))));
    if (!id) return;
    const body = h('div', { id: 'resident-view' }, h('p', { class: 'muted' }, t('loading')));
    container.append(body);
    try {
      const r = await api('/v1/residents/' + encodeURIComponent(id));
      if (!current(renderId)) return;
      const yesNo = (value) => t(value ? 'yes' : 'no');
      fill(body,
        h('div', { class: 'cards wide' },
          card(t('resident.id'), r.residentId), card(t('resident.birthDate'), r.birthDate),
          card(t('resident.hukou'), r.hukou.local ? t('resident.local') + (r.hukou.district ? ' · ' + label('district', r.hukou.district) : '') : t('resident.nonLocal')),
          card(t('resident.residence'), label('district', r.residenceDistrict)),
          card(t('resident.hardship'), (r.hardship ?? []).map((code) => label('hardship', code)).join('、') || t('none'))),
        section(t('resident.enrollments'), table(
          [t('resident.year'), t('resident.fund'), t('resident.category'), t('resident.enrolledAt'), t('resident.due'), t('resident.paid'), t('resident.exempt'), t('resident.benefitStart')],
          r.enrollments.map((e) => h('tr', {}, h('td', {}, e.year), h('td', {}, fundName(e.fundId)), h('td', {}, t('category.' + e.category)), h('td', {}, e.enrolledAt),
            numCell(e.contributionDue), numCell(e.contributionPaid), h('td', {}, yesNo(e.contributionExempt)), h('td', { 'data-field': 'benefit-start' }, e.benefitStart ?? t('resident.notStarted')))),
          { id: 'resident-enrollments', class: 'figures' })),
        section(t('resident.schemes'), table([t('resident.schemes'), t('resident.from'), t('resident.to')],
          r.schemeHistory.map((s) => h('tr', {}, h('td', {}, t('resident.scheme.' + s.scheme)), h('td', {}, s.from), h('td', {}, s.to ?? t('resident.ongoing')))), { class: 'figures' })),
        section(t('resident.ytd'), table(
          [t('resident.year'), t('resident.compliant'), t('resident.basicPaid'), t('resident.personalInScope'), t('resident.ciPaid'), t('resident.assistancePaid')],
          r.yearToDate.map((y) => h('tr', {}, h('td', {}, y.year), numCell(y.compliantCost), numCell(y.basicFundPaid), numCell(y.personalBurdenInScope), numCell(y.criticalIllnessPaid), numCell(y.assistancePaid))),
          { id: 'resident-ytd', class: 'figures' })),
        section(t('resident.claims'), table(
          [t('resident.claim'), t('resident.year'), t('resident.fund'), t('resident.careType'), t('resident.basic'), t('resident.ci'), t('resident.assistance'), t('resident.personal'), ''],
          r.claims.map((c) => h('tr', { class: c.reversed ? 'reversed' : '', 'data-claim': c.claimId }, h('td', {}, c.claimId), h('td', {}, c.year), h('td', {}, fundName(c.fundId)), h('td', {}, t('care.' + c.careType)),
            numCell(c.basicFundPayment), numCell(c.criticalIllnessPayment), numCell(c.assistancePayment), numCell(c.personalPayment), h('td', {}, c.reversed ? t('resident.reversed') : ''))),
          { id: 'resident-claims', class: 'figures' })),
        (r.assistanceGrants ?? []).length === 0 ? null : section(t('resident.grants'), table(
          [t('resident.application'), t('resident.year'), t('resident.appliedAt'), t('resident.claims'), t('resident.amount')],
          r.assistanceGrants.map((g) => h('tr', {}, h('td', {}, g.applicationId), h('td', {}, g.year), h('td', {}, g.appliedAt), h('td', {}, g.claims.join(', ')), numCell(g.amount))),
          { class: 'figures' })),
      );
    } catch (error) {
      if (current(renderId)) body.replaceChildren(errorBox(error));
    }
  }

  // ---------- audits ----------

  /** A text the auditor may give in one language or both. */
  function localized(value) {
    if (value && typeof value === 'object') return value[state.lang] ?? value.zh ?? value.en ?? '';
    return value ?? '';
  }
  function findingMessage(finding) {
    if (finding.messages) return localized(finding.messages);
    const suffix = state.lang === 'zh' ? 'Zh' : 'En';
    return finding['message' + suffix] ?? finding['message_' + state.lang] ?? localized(finding.message);
  }
  function ruleOf(report, id) {
    const listed = (report.rules && (Array.isArray(report.rules) ? report.rules.find((rule) => rule.id === id) : report.rules[id])) || state.config.rules[id] || {};
    return { title: localized(listed.title), basis: localized(listed.basis) };
  }

  function renderAudits(container, _id, params, renderId) {
    const asOf = h('input', { type: 'date', id: 'audit-as-of', value: params.get('asOf') || state.config.today });
    const result = h('div', { id: 'audit-result' });
    const run = async () => {
      result.replaceChildren(h('p', { class: 'muted' }, t('audits.running')));
      try {
        state.lastAudit = await api('/v1/audits', { method: 'POST', body: { asOf: asOf.value } });
        if (current(renderId)) showAudit(result, state.lastAudit);
      } catch (error) {
        if (current(renderId)) result.replaceChildren(errorBox(error));
      }
    };
    container.append(h('div', { class: 'toolbar' }, h('h1', {}, t('audits.title')), field(t('audits.asOf'), asOf), h('button', { type: 'button', class: 'primary', id: 'audit-run', onclick: run }, t('audits.run'))), result);
    if (state.lastAudit) showAudit(result, state.lastAudit);
  }

  function showAudit(container, report) {
    const byRule = new Map();
    for (const finding of report.findings) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
    const canOpen = READS_EVENTS.includes(state.claims.role);
    const note = h('span', { class: 'muted small', role: 'status' });
    const evidence = (position) =>
      canOpen ? h('a', { href: '#', class: 'evidence', 'data-position': position, onclick: (event) => { event.preventDefault(); openEvent(position); } }, '#' + position) : h('span', {}, '#' + position);
    fill(container,
      h('div', { class: 'cards wide' },
        card(t('audits.asOf'), report.asOf ?? '—'), card(t('audits.eventsReplayed'), report.eventsReplayed), card(t('audits.eventsRead'), report.eventsRead),
        card(t('audits.findings'), h('span', { id: 'audit-findings-count' }, String(report.findings.length)))),
      section(t('audits.summary'),
        h('dl', { class: 'facts' },
          h('dt', {}, t('audits.digest')), h('dd', { class: 'mono' }, report.digest),
          h('dt', {}, t('audits.reconciliation')), h('dd', {}, report.reconciliation),
          h('dt', {}, t('audits.logDigest')), h('dd', {}, report.logDigest)),
        h('div', { class: 'downloads' },
          h('button', { type: 'button', class: 'secondary', id: 'audit-html', onclick: () => downloadAuditHtml(report, note) }, t('audits.downloadHtml')),
          h('button', { type: 'button', class: 'secondary', id: 'audit-json', onclick: () => saveBlob(new Blob([JSON.stringify(report, null, 2) + '\n'], { type: 'application/json' }), 'inspection-' + report.asOf + '.json') }, t('audits.downloadJson')),
          note)),
      section(t('audits.funds'), table([t('resident.fund'), t('fund.incomeToDate'), t('fund.outflowToDate'), t('funds.balance'), t('audits.findings')],
        report.funds.map((f) => h('tr', {}, h('td', {}, fundName(f.fundId)), numCell(f.income), numCell(f.outflow), numCell(f.balance), h('td', { class: 'num' }, f.findings))), { class: 'figures' })),
      section(t('audits.byRule'),
        byRule.size === 0 ? h('p', { class: 'muted' }, t('audits.noFindings')) : null,
        [...byRule.entries()].map(([id, findings]) => {
          const rule = ruleOf(report, id);
          return h('details', { class: 'rule', open: true, 'data-rule': id },
            h('summary', {}, h('code', {}, id), ' ', rule.title, h('span', { class: 'badge warn' }, findings.length)),
            rule.basis ? h('p', { class: 'basis' }, t('audits.basis') + t('colon') + rule.basis) : null,
            h('ul', { class: 'findings' }, findings.map((f) =>
              h('li', {},
                f.fundId ? h('span', { class: 'tag' }, fundName(f.fundId)) : null,
                f.residentId ? h('span', { class: 'tag' }, t('audits.resident') + ' ' + f.residentId) : null,
                f.claimId ? h('span', { class: 'tag' }, t('audits.claim') + ' ' + f.claimId) : null,
                h('span', { class: 'message' }, findingMessage(f)),
                evidenceList(f.evidence, evidence)))));
        })),
    );
  }

  /** The first positions, and the rest behind a button: a finding may rest on hundreds of events. */
  const EVIDENCE_SHOWN = 12;
  function evidenceList(positions, link) {
    const list = h('div', { class: 'evidence-list' }, t('audits.evidence') + t('colon'));
    const shown = positions.slice(0, EVIDENCE_SHOWN).map((p) => [link(p), ' ']);
    append(list, shown);
    if (positions.length > EVIDENCE_SHOWN) {
      const more = h('button', { type: 'button', class: 'link small' }, t('audits.more', { n: positions.length - EVIDENCE_SHOWN }));
      more.addEventListener('click', () => {
        more.remove();
        append(list, positions.slice(EVIDENCE_SHOWN).map((p) => [link(p), ' ']));
      });
      list.append(more);
    }
    return list;
  }

  async function downloadAuditHtml(report, note) {
    note.textContent = t('loading');
    try {
      await download('/v1/audits', 'inspection-' + report.asOf + '.html', { method: 'POST', body: { asOf: report.asOf }, accept: 'text/html' });
      note.textContent = '';
    } catch (error) {
      note.textContent = t('audits.htmlUnavailable') + error.message;
    }
  }

  async function openEvent(position) {
    const dialog = $('event-dialog');
    $('event-title').textContent = t('event.title', { n: position });
    $('event-content').replaceChildren(h('p', { class: 'muted' }, t('loading')));
    dialog.hidden = false;
    try {
      const answer = await api('/v1/events/' + encodeURIComponent(position));
      const e = answer && answer.event && typeof answer.event === 'object' ? answer.event : answer;
      const recordedBy = e.recordedBy ?? (e.metadata && e.metadata.recordedBy);
      const by = recordedBy ? (recordedBy.subject ?? '') + ' (' + (recordedBy.role ?? '') + ')' : '';
      $('event-content').replaceChildren(
        h('dl', { class: 'facts' },
          h('dt', {}, t('event.type')), h('dd', { class: 'mono', id: 'event-type' }, e.type),
          h('dt', {}, t('event.stream')), h('dd', { class: 'mono' }, e.stream ?? e.streamId ?? ''),
          h('dt', {}, t('event.revision')), h('dd', {}, e.revision ?? ''),
          h('dt', {}, t('event.date')), h('dd', {}, e.occurredAt ?? e.businessDate ?? (e.metadata && e.metadata.occurredAt) ?? ''),
          h('dt', {}, t('event.recordedAt')), h('dd', {}, e.recordedAt ?? (e.metadata && e.metadata.recordedAt) ?? ''),
          h('dt', {}, t('event.recordedBy')), h('dd', {}, by),
          h('dt', {}, t('event.hash')), h('dd', { class: 'mono small' }, e.hash ?? '')),
        h('h3', {}, t('event.data')), h('pre', { class: 'json' }, JSON.stringify(e.data, null, 2)));
    } catch (error) {
      $('event-content').replaceChildren(errorBox(error));
    }
  }

  // ---------- start ----------

  async function start() {
    try {
      const response = await fetch('/console/config.json');
      if (response.ok) Object.assign(state.config, await response.json());
    } catch {
      /* the defaults stand */
    }
    if (state.token) state.claims = decodeToken(state.token);
    if (state.claims && typeof state.claims.exp === 'number' && state.claims.exp * 1000 < Date.now()) signOut(t('signIn.expired'));
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut());
    $('lang').addEventListener('click', () => {
      state.lang = state.lang === 'zh' ? 'en' : 'zh';
      localStorage.setItem(LANG_KEY, state.lang);
      render();
    });
    $('event-close').addEventListener('click', () => ($('event-dialog').hidden = true));
    $('event-dialog').addEventListener('click', (event) => event.target === $('event-dialog') && ($('event-dialog').hidden = true));
    window.addEventListener('hashchange', render);
    window.addEventListener('resize', () => state.charts.forEach((c) => c.resize()));
    render();
  }
  start();
})();
