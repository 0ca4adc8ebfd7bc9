// Types of the globals the browser scripts use (type-checking only; nothing here is served).
import type * as LightweightCharts from 'lightweight-charts';

declare global {
  interface Window {
    /** The chart library's standalone build, loaded from /assets/lightweight-charts.js. */
    LightweightCharts?: typeof LightweightCharts;
    /** Set by run-detail.js: whether the charts were drawn, or why not. */
    buffCharts: { drawn: boolean; error: string | null };
  }
}
