/**
 * The inspection report a bureau is handed (HTML, self-contained: no script, no external CSS, no
 * CDN). Rendered with eta; every `<%= %>` interpolation is HTML-escaped by eta. The only raw
 * insertions (`<%~ %>`) are the SVG charts, which html-report.ts builds from escaped parts.
 * Kept as a TypeScript string so the compiled CLI (dist/) carries it without a copy step.
 */
export const INSPECTION_TEMPLATE = `<!DOCTYPE html>
<html lang="<%= it.htmlLang %>">
<head>
<meta charset="utf-8">
<title><%= it.title %></title>
<style>
  body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem; color: #1d1d1f; }
  h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.25rem; }
  h3 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
  th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
  td.money, th.money { text-align: right; font-variant-numeric: tabular-nums; }
  dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
  dl.facts dt { font-weight: bold; }
  code { font-size: 0.85rem; word-break: break-all; }
  .none { color: #2e7d32; }
  .count { color: #b00020; font-weight: bold; }
  .basis { color: #555; font-size: 0.9rem; }
  ol.findings li { margin-bottom: 0.6rem; }
  .meta { color: #555; font-size: 0.9rem; }
  figure { display: inline-block; margin: 0 1rem 1rem 0; }
  figcaption { font-weight: bold; }
</style>
</head>
<body>
<h1><%= it.title %></h1>
<p class="meta"><%= it.t.subtitle %></p>

<h2><%= it.t.scope %></h2>
<dl class="facts">
  <dt><%= it.t.cutOffDate %></dt><dd><%= it.asOf %></dd>
  <dt><%= it.t.cutOffPosition %></dt><dd><%= it.cutOffPosition %></dd>
  <dt><%= it.t.eventsRead %></dt><dd><%= it.eventsRead %></dd>
  <dt><%= it.t.eventsReplayed %></dt><dd><%= it.eventsReplayed %></dd>
  <dt><%= it.t.digest %></dt><dd><code><%= it.digest %></code></dd>
  <dt><%= it.t.policy %></dt><dd><%= it.t.policyVersion(it.policyVersion) %> (<code><%= it.policyDigest %></code>)</dd>
  <dt><%= it.t.liveReadModel %></dt><dd><%= it.reconciliation %></dd>
  <dt><%= it.t.logDigest %></dt><dd><%= it.logDigest %></dd>
  <dt><%= it.t.findings %></dt><dd><% if (it.totalFindings === 0) { %><span class="none"><%= it.t.none %></span><% } else { %><span class="count"><%= it.totalFindings %></span><% } %></dd>
</dl>

<h2><%= it.t.fundsAsOf(it.asOf) %></h2>
<table>
  <thead><tr><th><%= it.t.fund %></th><th class="money"><%= it.t.income %></th><th class="money"><%= it.t.outflow %></th><th class="money"><%= it.t.balance %></th><th class="money"><%= it.t.findings %></th></tr></thead>
  <tbody>
<% it.funds.forEach(function (fund) { %>
    <tr><td><%= fund.label %> (<code><%= fund.fundId %></code>)</td><td class="money"><%= fund.income %></td><td class="money"><%= fund.outflow %></td><td class="money"><%= fund.balance %></td><td class="money"><%= fund.findings %></td></tr>
<% }) %>
  </tbody>
  <tfoot><tr><th><%= it.t.allFunds %></th><th class="money"><%= it.totals.income %></th><th class="money"><%= it.totals.outflow %></th><th class="money"><%= it.totals.balance %></th><th class="money"><%= it.totals.findings %></th></tr></tfoot>
</table>
<% if (it.withoutFund > 0) { %><p><%= it.t.withoutFund(it.withoutFund) %></p><% } %>

<h2><%= it.t.monthEndBalances %></h2>
<% it.charts.forEach(function (chart) { %>
<figure>
  <figcaption><%= chart.label %></figcaption>
  <%~ chart.svg %>
</figure>
<% }) %>

<h2><%= it.t.monthsOfPayment %></h2>
<% it.monthsCharts.forEach(function (chart) { %>
<figure>
  <figcaption><%= chart.label %></figcaption>
  <%~ chart.svg %>
</figure>
<% }) %>

<h2><%= it.t.findingsByRule %></h2>
<table>
  <thead><tr><th><%= it.t.rule %></th><th><%= it.t.finding %></th><th class="money"><%= it.t.count %></th></tr></thead>
  <tbody>
<% it.rules.forEach(function (rule) { %>
    <tr><td><code><%= rule.id %></code></td><td><%= rule.title %></td><td class="money"><%= rule.count %></td></tr>
<% }) %>
  </tbody>
</table>
<% it.rules.forEach(function (rule) { %>
<% if (rule.count > 0) { %>
<h3><code><%= rule.id %></code> — <%= rule.title %> (<%= rule.count %>)</h3>
<p class="basis"><%= it.t.basis %>: <%= rule.basis %></p>
<ol class="findings">
<% rule.findings.forEach(function (f) { %>
  <li><strong><%= f.subject %></strong><br><%= f.message %><br><span class="meta"><%= it.t.evidence %>: <% if (f.evidence.length === 0) { %><%= it.t.none %><% } %><% f.evidence.forEach(function (e, i) { %><%= i > 0 ? ', ' : '' %><% if (e.href) { %><a href="<%= e.href %>"><%= e.position %></a><% } else { %><%= e.position %><% } %><%= e.what %><% }) %></span></li>
<% }) %>
</ol>
<% } %>
<% }) %>

<% if (it.notEvaluated.length > 0) { %>
<h2><%= it.t.notEvaluated %></h2>
<table>
  <thead><tr><th><%= it.t.rule %></th><th><%= it.t.reason %></th><th class="money"><%= it.t.events %></th></tr></thead>
  <tbody>
<% it.notEvaluated.forEach(function (n) { %>
    <tr><td><code><%= n.rule %></code></td><td><%= n.reason %></td><td class="money"><%= n.count %></td></tr>
<% }) %>
  </tbody>
</table>
<% } %>
</body>
</html>
`;
