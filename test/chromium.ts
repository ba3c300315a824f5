// How tests and benchmarks start Debian's Chromium (playwright-core cannot download browsers
// here): its path and the flags of a quiet, sandbox-free headless run.
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
