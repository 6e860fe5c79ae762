// The extensionTestsPath entry of `npm run test:vsix` (scripts/package/test-vsix.mjs): runs
// installed-vsix.vsixtest.js with mocha inside code-server's extension host, where the extension
// is the one installed from the VSIX (RADALIGN_ITEST_VSIX) and the development extension is an
// empty stand-in. Named so that the default suite (suite/index.ts, `*.itest.js`) never runs it.
import * as path from 'node:path';
import { runMochaInHost } from '../run-mocha-in-host';

export function run(): Promise<void> {
  return runMochaInHost(
    [path.join(__dirname, 'installed-vsix.vsixtest.js')],
    process.env.RADALIGN_ITEST_LOG,
    'installed-VSIX tests',
  );
}
