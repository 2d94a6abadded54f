'use strict';
// A subgraph's SDL is its schema.graphql and, where that is hand-written (the directory, the
// synergies), the shared.graphql beside it that `npm run networks` writes (the shared SDL blocks
// and the types derived from schema.graphql). The scripts that read a subgraph's SDL read it here.
const fs = require('node:fs');
const path = require('node:path');

/** The files of the subgraph whose schema.graphql is `schemaFile`, schema.graphql first. */
function sdlFiles(schemaFile) {
  const shared = path.join(path.dirname(schemaFile), 'shared.graphql');
  return fs.existsSync(shared) ? [schemaFile, shared] : [schemaFile];
}

module.exports = { sdlFiles };
