// The page-side state of the dashboard benchmark (bench/instrument.mjs), for the type check.

import type { BenchState } from './instrument.mjs';

declare global {
  interface Window {
    __bench: BenchState;
  }
}

export {};
