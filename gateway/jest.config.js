const { existsSync } = require('node:fs');

// The browser tests drive Debian's Chromium (gateway/test/browser.ts). On a machine without it they
// are skipped, loudly, so that `npm test` runs on a fresh machine; in CI (CI=true, where .ci/run
// installs Chromium) they never are.
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipBrowser = !existsSync(chromium) && process.env.CI !== 'true';
if (skipBrowser) {
  console.warn(
    `\n  Browser tests SKIPPED: no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH). CI never skips them.\n`,
  );
}

module.exports = {
  ...require('../jest.preset.js'),
  testPathIgnorePatterns: ['/node_modules/', ...(skipBrowser ? ['\\.browser\\.test\\.ts$'] : [])],
};
