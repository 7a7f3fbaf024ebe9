// Entry point VS Code calls inside the extension host (`extensionTestsPath`): runs the Mocha suite
// and ends with a `N passed, N failed` line that scripts/vscode-test.mjs reads.
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  // Set by `scripts/vscode-test.mjs --grep TEXT`.
  const grep = process.env.WORKFLOW_PROVENANCE_SUITE_GREP;
  if (grep) mocha.grep(grep);
  // The tests are bundled into this file, so they are registered here instead of loaded from disk.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'extension.test.ts', mocha);
  require('./extension.test');
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`[suite] ${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
