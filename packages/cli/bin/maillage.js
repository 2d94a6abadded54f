#!/usr/bin/env node
// maillage: command-line tools for network staff. `npx maillage --help` from the repository.
let cli;
try {
  cli = require('../dist/main.js');
} catch {
  console.error('maillage: not built yet; run `npm run build` (or `npm start`) in the repository first');
  process.exit(2);
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
