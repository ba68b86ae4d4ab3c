'use strict';
/* ECharts options for the console's charts: one function per chart, no state. */
window.Charts = (function () {
  const PALETTE = ['#2f6fb3', '#e0803a', '#3a9b6e', '#c2473d', '#7a5cb8', '#a0815e', '#d563a9', '#6b7b8c', '#b5a42e', '#2aa3b8'];

  /** Yuan on an axis: 万 / 亿 in Chinese, k / M in English, so labels stay short and never overlap. */
  function axisMoney(lang) {
    return function (value) {
      const abs = Math.abs(value);
      if (lang === 'zh') {
        if (abs >= 1e8) return trim(value / 1e8) + '亿';
        if (abs >= 1e4) return trim(value / 1e4) + '万';
        return String(value);
      }
      if (abs >= 1e6) return trim(value / 1e6) + 'M';
      if (abs >= 1e3) return trim(value / 1e3) + 'k';
      return String(value);
    };
  }
  function trim(n) {
    return String(Math.round(n * 100) / 100);
  }

  const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** Every month ticked: "2025-01" where a year starts (and first), then "2月" / "Feb". */
  function monthLabel(lang, months) {
    return function (value, index) {
      const month = Number(value.slice(5, 7));
      if (index === 0 || month === 1) return value;
      return lang === 'zh' ? month + '月' : MONTHS_EN[month - 1];
    };
  }

  function base(lang, months) {
    return {
      color: PALETTE,
      animation: false,
      grid: { left: 56, right: 28, top: 24, bottom: 60, containLabel: false },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : Number(v).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 2 })) },
      legend: { type: 'scroll', bottom: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      xAxis: {
        type: 'category',
        data: months,
        axisLabel: { interval: months.length <= 24 ? 0 : 'auto', hideOverlap: true, formatter: monthLabel(lang, months), fontSize: 11 },
        axisTick: { alignWithLabel: true, interval: 0 },
      },
    };
  }

  function moneyAxis(lang) {
    return { type: 'value', axisLabel: { formatter: axisMoney(lang), hideOverlap: true }, splitNumber: 4, scale: false };
  }

  /** Stacked bars, one series per category that has any amount in the period (the legend stays short). */
  function stacked(lang, months, series) {
    const used = series.filter((s) => s.data.some((value) => value !== 0 && value !== null));
    return Object.assign(base(lang, months), {
      yAxis: moneyAxis(lang),
      series: (used.length ? used : series.slice(0, 1)).map((s) => ({ name: s.name, type: 'bar', stack: 'total', data: s.data, emphasis: { focus: 'series' }, barMaxWidth: 36 })),
    });
  }

  function lines(lang, months, series, options) {
    const option = Object.assign(base(lang, months), {
      yAxis: moneyAxis(lang),
      series: series.map((s) => ({ name: s.name, type: 'line', data: s.data, showSymbol: months.length <= 24, connectNulls: false })),
    });
    if (options && options.legendOff) {
      option.legend = { show: false };
      option.grid.bottom = 32;
    }
    return option;
  }

  /** Months of payment with its bands shaded: shortage [0, s), warning [s, w), excess above e. */
  function monthsOfPayment(lang, months, values, levels, labels) {
    // A round top (a multiple of 5) so the last tick is not crowded by the one before it.
    const top = Math.ceil(Math.max(levels.excess * 1.25, ...values.filter((v) => v !== null)) / 5) * 5;
    const band = (name, from, to, color) => [{ name, yAxis: from, itemStyle: { color } }, { yAxis: to }];
    const option = Object.assign(base(lang, months), {
      legend: { show: false },
      grid: { left: 56, right: 36, top: 24, bottom: 32 },
      yAxis: { type: 'value', min: 0, max: top, axisLabel: { hideOverlap: true }, splitNumber: 5 },
      series: [
        {
          name: labels.series,
          type: 'line',
          data: values,
          showSymbol: months.length <= 24,
          lineStyle: { width: 2 },
          // Named under the chart (charts.js's caller): labels inside thin bands would overlap.
          markArea: {
            silent: true,
            label: { show: false },
            data: [
              band(labels.short, 0, levels.shortage, 'rgba(194, 71, 61, 0.18)'),
              band(labels.warn, levels.shortage, levels.warning, 'rgba(224, 128, 58, 0.14)'),
              band(labels.excess, levels.excess, top, 'rgba(47, 111, 179, 0.10)'),
            ],
          },
        },
      ],
    });
    option.tooltip.valueFormatter = (v) => (v === null || v === undefined ? '—' : String(v));
    return option;
  }

  /** A round axis top (a multiple of half a power of ten), so the last tick is not crowded by an odd maximum. */
  function roundedTop(value) {
    const step = Math.pow(10, Math.floor(Math.log10(value))) / 2;
    return Math.ceil(value / step) * step;
  }

  /** Months of payment per fund as bars, each coloured by its level, with the three levels as lines. */
  function monthsByFund(lang, names, values, levels, labels) {
    const colour = (v) => (v === null ? '#c0c6cf' : v < levels.shortage ? '#c2473d' : v < levels.warning ? '#e0803a' : v > levels.excess ? '#2f6fb3' : '#3a9b6e');
    // Each level's label sits at its own place along the line: the shortage and warning lines are
    // only a few pixels apart on a tall axis, and labels at one end overprinted each other.
    const line = (name, value, color, position) => ({ name, yAxis: value, lineStyle: { color, type: 'dashed' }, label: { formatter: name + ' ' + value, position, color, fontSize: 11 } });
    return {
      animation: false,
      grid: { left: 56, right: 28, top: 24, bottom: 32 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : String(v)) },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
      // Tall enough for the warning line; the excess line shows once a fund comes near it.
      yAxis: { type: 'value', min: 0, max: (extent) => roundedTop(Math.max(extent.max, levels.warning) * 1.15), axisLabel: { hideOverlap: true } },
      series: [
        {
          name: labels.series,
          type: 'bar',
          barMaxWidth: 48,
          data: values.map((v) => ({ value: v === null ? null : Number(v), itemStyle: { color: colour(v === null ? null : Number(v)) } })),
          // The API's own text ("2.0"), not the number it parses to.
          label: { show: true, position: 'top', formatter: (p) => (values[p.dataIndex] === null ? '—' : String(values[p.dataIndex])) },
          markLine: { silent: true, symbol: 'none', data: [line(labels.short, levels.shortage, '#c2473d', 'insideStartTop'), line(labels.warn, levels.warning, '#e0803a', 'insideEndTop'), line(labels.excess, levels.excess, '#2f6fb3', 'insideMiddleTop')] },
        },
      ],
    };
  }

  return { monthsByFund, stacked, lines, monthsOfPayment, axisMoney };
})();
