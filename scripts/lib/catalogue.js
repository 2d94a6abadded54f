'use strict';
// The kinds catalogue (packages/kinds) for the root scripts, from its TypeScript source: no build
// needed before generating.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

function loadCatalogue() {
  const file = path.resolve(__dirname, '../../packages/kinds/src/index.ts');
  const { code } = swc.transformSync(fs.readFileSync(file, 'utf8'), {
    filename: file,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const m = new Module(file);
  m.filename = file;
  m._compile(code, file);
  return m.exports;
}

module.exports = { loadCatalogue };
