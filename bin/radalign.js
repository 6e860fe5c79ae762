#!/usr/bin/env node
// Entry point for `npx radalign`; the CLI itself is bundled by esbuild into dist/.
require('../dist/cli/radalign.js');
