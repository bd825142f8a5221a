// The page-side state of the dashboard benchmark (bench/instrument.mjs, bench/search-measure.mjs), for the type check.

import type { BenchState } from './instrument.mjs';
import type { SearchProbe } from './search-measure.mjs';

declare global {
  interface Window {
    __bench: BenchState;
    __search: SearchProbe;
  }
}

export {};
