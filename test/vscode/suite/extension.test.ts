// Runs inside a real VS Code (code-server or desktop) against the fixture workspace in
// test/vscode/workspace: what a user sees in the editor, through the same API calls the UI makes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'workflow-provenance.workflow-provenance';
const COMMUNITY_IMAGE = 'ghcr.io/loong64/debian:trixie';

function workflowUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, '.github', 'workflows', name);
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

function withCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code);
}

/** Polls `probe` until it returns something other than undefined. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function openWorkflow(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workflowUri(name));
  await vscode.window.showTextDocument(document);
  return document;
}

async function communityDiagnostic(document: vscode.TextDocument): Promise<vscode.Diagnostic> {
  return waitFor(
    `a community-image diagnostic in ${document.uri.path}`,
    () => withCode(document.uri, 'community-image')[0],
  );
}

suite('Workflow Provenance in VS Code', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded from the development path`);
    await extension.activate();
  });

  test('activates and registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'workflowProvenance.recheck',
      'workflowProvenance.showOutput',
      'workflowProvenance.openRuleDoc',
      'workflowProvenance.pinAll',
    ]) {
      assert.ok(commands.includes(id), `command ${id} is registered`);
    }
    // The status bar item runs this command when clicked.
    await vscode.commands.executeCommand('workflowProvenance.showOutput');
  });

  test('flags the community image of a job container', async () => {
    const document = await openWorkflow('loong64-container.yml');
    const diagnostic = await communityDiagnostic(document);
    assert.equal(document.getText(diagnostic.range), COMMUNITY_IMAGE);
    assert.equal(diagnostic.source, 'workflow-provenance');
    assert.ok(
      diagnostic.severity === vscode.DiagnosticSeverity.Warning ||
        diagnostic.severity === vscode.DiagnosticSeverity.Error,
      `a community image is a warning or an error, got severity ${diagnostic.severity}`,
    );
  });

  test('hover on the image names the official alternative', async () => {
    const document = await openWorkflow('loong64-container.yml');
    const diagnostic = await communityDiagnostic(document);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      diagnostic.range.start.translate(0, 3),
    );
    const text = hoverText(hovers);
    // The reference itself contains "debian"; the alternative must be named apart from it.
    const withoutReference = text.split('loong64/debian').join('');
    assert.match(withoutReference, /official/i, `hover mentions the official image:\n${text}`);
    assert.match(withoutReference, /\bdebian\b/, `hover names debian as the alternative:\n${text}`);
  });

  test('hover on a signed image shows the verified identity from its Sigstore certificate', async function () {
    // The runner starts a registry holding an attested image and passes it and the trust root
    // through user settings; without its tools it says so and this test is skipped.
    const subject = process.env.WORKFLOW_PROVENANCE_SIGNED_SUBJECT;
    if (!subject) return this.skip();
    this.timeout(60_000);
    const document = await openWorkflow('signed-image.yml');
    const line = document.lineAt(4).text;
    const position = new vscode.Position(4, line.indexOf('container: ') + 'container: '.length + 3);
    // The first hover asks for the evidence; a later one shows the verdict.
    const text = await waitFor(
      'a provenance verdict in the hover',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          document.uri,
          position,
        );
        const value = hoverText(hovers);
        return /\*\*Provenance: (?!Looking)/.test(value) ? value : undefined;
      },
      45_000,
    );
    assert.match(text, /\*\*Provenance: Verified\*\*/, text);
    assert.ok(text.includes(`built by \`${subject}\``), text);
  });

  test('the preferred quick fix switches to the official image', async () => {
    const document = await openWorkflow('loong64-container.yml');
    const original = document.getText();
    const diagnostic = await communityDiagnostic(document);
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    );
    const quickFixes = actions.filter(
      (a): a is vscode.CodeAction =>
        'kind' in a && a.kind !== undefined && vscode.CodeActionKind.QuickFix.contains(a.kind),
    );
    assert.ok(quickFixes.length > 0, `quick fixes offered, got: ${actions.map((a) => a.title).join(' | ')}`);
    const preferred = quickFixes.find((a) => a.isPreferred);
    assert.ok(
      preferred?.edit,
      `one quick fix is preferred and carries an edit: ${quickFixes.map((a) => a.title).join(' | ')}`,
    );
    try {
      assert.ok(await vscode.workspace.applyEdit(preferred.edit), 'the edit applies');
      assert.equal(document.getText(), original.replace(COMMUNITY_IMAGE, 'debian:trixie'));
      await waitFor('the community-image diagnostic to go away', () =>
        withCode(document.uri, 'community-image').length === 0 ? true : undefined,
      );
    } finally {
      const restore = new vscode.WorkspaceEdit();
      restore.replace(
        document.uri,
        new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
        original,
      );
      await vscode.workspace.applyEdit(restore);
      await document.save();
    }
  });

  test('files never opened are checked too, with the matrix site as related information', async () => {
    const uri = workflowUri('run-on-arch.yml');
    const unpinned = await waitFor(
      'an unpinned-action diagnostic in the unopened run-on-arch.yml',
      () => withCode(uri, 'unpinned-action')[0],
    );
    const community = await waitFor(
      'a community-image diagnostic in run-on-arch.yml',
      () => withCode(uri, 'community-image')[0],
    );
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.getText(unpinned.range), 'actions/checkout@v4');
    assert.equal(document.getText(community.range), COMMUNITY_IMAGE);
    const related = community.relatedInformation ?? [];
    assert.ok(
      related.some((r) => document.getText(r.location.range).includes('matrix.base_image')),
      `related information points at the \${{ matrix.base_image }} site: ${JSON.stringify(related.map((r) => r.message))}`,
    );
  });

  test('a workflow written to disk is checked without being opened: the server watches the files', async () => {
    const uri = workflowUri('written-later.yml');
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: ${COMMUNITY_IMAGE}\n    steps:\n      - run: echo\n`;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      await waitFor(
        'a community-image diagnostic in the workflow written to disk',
        () => withCode(uri, 'community-image')[0],
      );
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('turning a rule off in the settings removes its diagnostics live', async () => {
    const document = await openWorkflow('loong64-container.yml');
    await communityDiagnostic(document);
    const config = vscode.workspace.getConfiguration('workflowProvenance');
    try {
      await config.update('rules', { 'community-image': 'off' }, vscode.ConfigurationTarget.Global);
      await waitFor('community-image diagnostics to disappear', () =>
        withCode(document.uri, 'community-image').length === 0 ? true : undefined,
      );
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Global);
    }
    await communityDiagnostic(document);
  });

  test('re-check and rule documentation commands work', async () => {
    await vscode.commands.executeCommand('workflowProvenance.recheck');
    assert.ok(
      withCode(workflowUri('loong64-container.yml'), 'community-image').length > 0,
      'findings survive a re-check',
    );
    const page = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'workflowProvenance.openRuleDoc',
      'community-image',
    );
    assert.ok(page, 'openRuleDoc returns the page it opened');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(page));
    assert.match(text, /community-image|community image/i);
  });
});
