// Our wrapper around TradingView's lightweight-charts (the standalone build, window.LightweightCharts):
// candlesticks over a volume pane, a legend with the exact numbers of the bar under the cursor, and
// earlier bars fetched from .NET (LoadEarlierAsync) when the view nears the left edge; feature lines
// (moving averages, VWAP) over the candles and an RSI pane below the volumes (setOverlays); live
// bars from .NET replace or extend the newest ones (updateBar); split and dividend markers sit on
// the first bar of their ex-date (setMarkers).
// Times arrive as Unix seconds of New York wall-clock time, so the axis reads in market time.

const charts = new Map();
let nextId = 1;

const palettes = {
  light: { background: '#ffffff', text: '#1f2933', grid: '#eef1f4', border: '#d5dbe1', up: '#16a34a', down: '#dc2626' },
  dark: { background: '#1e1e2d', text: '#d4d7dd', grid: '#2b2b3c', border: '#3a3a4d', up: '#22c55e', down: '#ef4444' },
};

// Splits above the bar pointing down, dividends below pointing up: both can share an ex-date.
const markerStyles = {
  split: { position: 'aboveBar', shape: 'arrowDown', color: '#7c3aed' },
  dividend: { position: 'belowBar', shape: 'arrowUp', color: '#0891b2' },
};

function themeOptions(dark) {
  const p = dark ? palettes.dark : palettes.light;
  return {
    layout: { background: { type: 'solid', color: p.background }, textColor: p.text, attributionLogo: false },
    grid: { vertLines: { color: p.grid }, horzLines: { color: p.grid } },
    rightPriceScale: { borderColor: p.border },
    timeScale: { borderColor: p.border },
  };
}

function candle(bar) {
  return { time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close };
}

function volume(bar, dark) {
  const p = dark ? palettes.dark : palettes.light;
  return { time: bar.time, value: bar.volume, color: (bar.close >= bar.open ? p.up : p.down) + '80' };
}

function timeText(seconds, daily) {
  const iso = new Date(seconds * 1000).toISOString();
  return daily ? iso.slice(0, 10) : iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' ET';
}

function showLegend(state, bar) {
  if (!bar) {
    state.legend.textContent = state.bars.length ? `${state.bars.length.toLocaleString('en-US')} bars` : 'no bars stored in this range';
    return;
  }
  // The prices as the gateway wrote them (bar.text, from .NET's decimals), never the doubles drawn:
  // sub-penny and adjusted prices keep every digit. Volumes and counts are exact integers here.
  const t = bar.text;
  state.legend.textContent =
    `${timeText(bar.time, state.daily)}  O ${t.open}  H ${t.high}  L ${t.low}  C ${t.close}  ` +
    `V ${bar.volume.toLocaleString('en-US')}  VWAP ${t.vwap}  trades ${bar.trades.toLocaleString('en-US')}`;
}

// Marks the element once the browser has painted the data, for tests and timing (Performance API).
function markDrawn(state) {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    state.element.dataset.bars = String(state.bars.length);
    state.element.dataset.drawnAt = String(performance.now());
    state.element.dataset.draws = String((Number(state.element.dataset.draws) || 0) + 1);
  }));
}

export function create(element, legend, dotnet, dark, daily) {
  const LC = window.LightweightCharts;
  const chart = LC.createChart(element, {
    autoSize: true,
    ...themeOptions(dark),
    timeScale: { ...themeOptions(dark).timeScale, timeVisible: !daily, secondsVisible: false, rightOffset: 4 },
    localization: { locale: 'en-US' },
  });
  const p = dark ? palettes.dark : palettes.light;
  const candles = chart.addSeries(LC.CandlestickSeries, {
    upColor: p.up, downColor: p.down, wickUpColor: p.up, wickDownColor: p.down, borderVisible: false,
  });
  const volumes = chart.addSeries(LC.HistogramSeries, { priceFormat: { type: 'volume' }, priceLineVisible: false, lastValueVisible: false }, 1);
  chart.panes()[1].setStretchFactor(0.25);

  const id = nextId++;
  const markers = LC.createSeriesMarkers(candles, []);
  const state = {
    id, chart, candles, volumes, element, legend, dotnet, dark, daily, bars: [], byTime: new Map(), loading: false, exhausted: false, overlays: [],
    markers, markerSpecs: [],
  };
  charts.set(id, state);

  chart.subscribeCrosshairMove(param => {
    showLegend(state, param.time === undefined ? null : state.byTime.get(param.time));
  });
  chart.timeScale().subscribeVisibleLogicalRangeChange(range => {
    if (!range || range.from > 10 || state.loading || state.exhausted || state.bars.length === 0) return;
    loadEarlier(state);
  });
  return id;
}

async function loadEarlier(state) {
  state.loading = true;
  state.element.dataset.loading = 'true';
  state.element.dataset.loadStartedAt = String(performance.now());
  try {
    const older = await state.dotnet.invokeMethodAsync('LoadEarlierAsync', state.bars[0].time);
    const fresh = (older || []).filter(b => b.time < state.bars[0].time);
    if (fresh.length === 0) state.exhausted = true;
    else apply(state, fresh.concat(state.bars));
  } finally {
    state.loading = false;
    state.element.dataset.loading = 'false';
  }
}

function apply(state, bars) {
  state.bars = bars;
  state.byTime = new Map(bars.map(b => [b.time, b]));
  state.candles.setData(bars.map(candle));
  state.volumes.setData(bars.map(b => volume(b, state.dark)));
  placeMarkers(state);
  showLegend(state, null);
  markDrawn(state);
}

const daySeconds = 86400;

// The index of the first bar at or after time (bars are sorted by time).
function firstAtOrAfter(bars, time) {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Each marker on the first drawn bar of its ex-date (its time is that date's midnight); one whose
// date has no bar drawn (not loaded yet, or no trading) waits for one. Answers how many were placed.
function placeMarkers(state) {
  const placed = [];
  for (const spec of state.markerSpecs) {
    const index = firstAtOrAfter(state.bars, spec.time);
    const bar = state.bars[index];
    if (!bar || bar.time >= spec.time + daySeconds) continue;
    const style = markerStyles[spec.kind] || markerStyles.split;
    placed.push({ time: bar.time, text: spec.text, id: `${spec.kind}-${spec.time}-${placed.length}`, ...style });
  }
  placed.sort((a, b) => a.time - b.time);
  state.markers.setMarkers(placed);
  state.placedMarkers = placed.length;
  state.element.dataset.markers = String(placed.length);
  state.element.dataset.markerText = placed.map(m => m.text).join('|');
  return placed.length;
}

export function setBars(id, bars, daily) {
  const state = charts.get(id);
  if (!state) return;
  state.daily = daily;
  state.exhausted = false;
  state.chart.applyOptions({ timeScale: { timeVisible: !daily } });
  apply(state, bars);
  // The latest bars fill the view; panning left past the first loads earlier ones.
  const shown = Math.min(bars.length, 150);
  if (shown > 0) state.chart.timeScale().setVisibleLogicalRange({ from: bars.length - shown, to: bars.length + 3 });
}

// One live bar (a minute, or the bucket .NET folded it into): at the newest time or later it goes
// through series.update, which replaces the last bar or appends one; an older bar (a correction)
// replaces its loaded twin and the data is set again, and one not loaded is left out. Answers
// whether the bar was drawn.
export function updateBar(id, bar) {
  const state = charts.get(id);
  if (!state) return false;
  const bars = state.bars;
  const last = bars.length ? bars[bars.length - 1] : null;
  if (!last || bar.time >= last.time) {
    const appended = !last || last.time !== bar.time;
    if (appended) bars.push(bar);
    else bars[bars.length - 1] = bar;
    state.candles.update(candle(bar));
    state.volumes.update(volume(bar, state.dark));
    // A new day's first bar may be the one a waiting marker needs.
    if (appended && state.placedMarkers !== state.markerSpecs.length) placeMarkers(state);
  } else {
    const index = bars.findIndex(b => b.time === bar.time);
    if (index < 0) return false;
    bars[index] = bar;
    state.candles.setData(bars.map(candle));
    state.volumes.setData(bars.map(b => volume(b, state.dark)));
  }
  state.byTime.set(bar.time, bar);
  state.element.dataset.bars = String(bars.length);
  return true;
}

// Replaces the feature lines: lines [{ name, color, points: [{ time, value }] }] on the price pane,
// rsi (the same shape, or null) in a pane of its own with its 30 and 70 levels. Points at times the
// candles lack (another session's minutes) are left out, so they never add gaps to the time axis.
export function setOverlays(id, lines, rsi) {
  const state = charts.get(id);
  if (!state) return;
  const LC = window.LightweightCharts;
  for (const series of state.overlays) state.chart.removeSeries(series);
  state.overlays = [];
  const line = (spec, pane) => {
    const series = state.chart.addSeries(LC.LineSeries, {
      color: spec.color, lineWidth: pane === 0 ? 1 : 2, title: spec.name, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false,
    }, pane);
    series.setData(spec.points.filter(p => state.byTime.has(p.time)));
    state.overlays.push(series);
    return series;
  };
  for (const spec of lines) line(spec, 0);
  if (rsi) {
    // A pane is removed with its last series, so the RSI pane comes and goes with its line.
    const series = line(rsi, 2);
    for (const level of [30, 70]) series.createPriceLine({ price: level, color: '#9ca3af', lineWidth: 1, lineStyle: LC.LineStyle.Dashed, axisLabelVisible: true });
    state.chart.panes()[2]?.setStretchFactor(0.3);
  }
  state.element.dataset.overlays = lines.map(l => l.name).concat(rsi ? [rsi.name] : []).join(',');
}

// Replaces the corporate action markers: [{ time (the ex-date's midnight), text, kind: 'split' | 'dividend' }].
export function setMarkers(id, markers) {
  const state = charts.get(id);
  if (!state) return 0;
  state.markerSpecs = (markers || []).slice().sort((a, b) => a.time - b.time);
  return placeMarkers(state);
}

export function setTheme(id, dark) {
  const state = charts.get(id);
  if (!state) return;
  const p = dark ? palettes.dark : palettes.light;
  state.dark = dark;
  state.chart.applyOptions(themeOptions(dark));
  state.candles.applyOptions({ upColor: p.up, downColor: p.down, wickUpColor: p.up, wickDownColor: p.down });
  state.volumes.setData(state.bars.map(b => volume(b, dark)));
}

export function dispose(id) {
  const state = charts.get(id);
  if (!state) return;
  charts.delete(id);
  state.chart.remove();
}
