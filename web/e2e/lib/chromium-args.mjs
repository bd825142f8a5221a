// @ts-check
// Chromium flags shared by the browser e2e tests and the dashboard benchmark.

// Without the background-networking flags Chromium keeps calling out of a closed network.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
