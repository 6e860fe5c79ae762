// Runs the same integration suite in VS Code desktop through @vscode/test-electron. Opt-in
// (RADALIGN_VSCODE_DESKTOP=1): it downloads VS Code from Microsoft unless
// RADALIGN_VSCODE_EXECUTABLE names an installed one, and on Linux needs a display (xvfb-run).

/**
 * @param {{ extensionDir: string, testsEntry: string, workspace: string, env: Record<string,string> }} o
 * @returns {Promise<number>} the suite's exit code
 */
export async function runInDesktop(o) {
  const { runTests } = await import('@vscode/test-electron');
  try {
    return await runTests({
      extensionDevelopmentPath: o.extensionDir,
      extensionTestsPath: o.testsEntry,
      vscodeExecutablePath: process.env.RADALIGN_VSCODE_EXECUTABLE || undefined,
      version: process.env.RADALIGN_VSCODE_VERSION || undefined,
      launchArgs: [o.workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: o.env,
    });
  } catch (e) {
    // runTests rejects when the suite fails (or VS Code cannot be had): report, don't crash.
    console.error(e instanceof Error ? e.message : e);
    return 1;
  }
}
