// Schema loader for graphql-codegen: the API schema of the committed supergraph (what clients see:
// no join__ plumbing, no @inaccessible fields), the same one scripts/operations.js validates against.
const fs = require('node:fs');
const { Supergraph } = require('@apollo/federation-internals');

module.exports = (file) => Supergraph.build(fs.readFileSync(file, 'utf8'), { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
