// Entry of the language server bundle (`dist/server.js`). Transport flags (`--stdio`, `--node-ipc`,
// `--socket=N`) are read by vscode-languageserver; `--docs DIR` points rule links elsewhere.
import * as path from 'node:path';
import { createConnection } from 'vscode-languageserver/node';
import { TOOL_VERSION } from '../cli/report';
import { optimiseLater } from '../optimisationBudget';
import { defaultCacheDir } from '../online/cache';
import { guardedStdioConnection } from './frameGuard';
import { OnlineFacts } from './onlineFacts';
import { WorkflowProvenanceServer } from './server';

// Opening a workspace checks hundreds of files in one burst, like a CLI run; the hot loops of a keystroke
// are still optimised after a few edits.
optimiseLater();

function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

const usage = `Usage: workflow-provenance-language-server --stdio

The Workflow Provenance language server: diagnostics, hovers and quick fixes for GitHub Actions
workflows and action.yml files, over the Language Server Protocol. An editor starts it; see
docs/editors.md for Neovim, Helix, Zed and Emacs.

  --stdio | --node-ipc | --socket=PORT   the transport (editors outside VS Code use --stdio)
  --docs DIR                             where the rule pages are (default: the package's docs/)
  --version                              print the version`;

// Started by hand without a transport, say how it is meant to run instead of throwing from deep inside.
const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`${process.env.WORKFLOW_PROVENANCE_VERSION ?? TOOL_VERSION}\n`);
  process.exit(0);
}
if (
  args.includes('--help') ||
  args.includes('-h') ||
  !args.some((a) => /^--(stdio|node-ipc|socket|pipe|clientProcessId)\b/.test(a))
) {
  process.stderr.write(`${usage}\n`);
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
}

// Over stdio the client's framing is checked first (see frameGuard.ts); other transports frame for us.
const connection = args.includes('--stdio') ? guardedStdioConnection() : createConnection();
// The bundle lives in dist/ and the rule pages in docs/rules/ beside it.
const docsDir = path.resolve(argument('--docs') ?? path.join(__dirname, '..', 'docs'));
const debounce = Number(argument('--debounce') ?? '60');

process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));

// Look-ups start only for folders whose `workflowProvenance.online` setting is on; the client may
// point the cache at its global storage through the initialization options.
const facts = new OnlineFacts({ cacheDir: defaultCacheDir() }, (message) => connection.console.log(message));

new WorkflowProvenanceServer(connection, {
  docsDir,
  facts,
  debounceMs: Number.isFinite(debounce) && debounce >= 0 ? debounce : 60,
  version: process.env.WORKFLOW_PROVENANCE_VERSION,
}).start();
