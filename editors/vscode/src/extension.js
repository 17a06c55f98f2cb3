// The polc extension: .pol highlighting comes from the grammar in package.json; this file
// starts the language server, `polc lsp`, over stdio for every document of language `pol`.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

// The command from the `polc.path` setting.  A relative path with a slash (.venv/bin/polc)
// is taken from the first workspace folder, where a project keeps its virtual environment;
// a bare name is looked up on PATH.
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('polc').get('path') || 'polc';
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const relative = configured.includes('/') || configured.includes(path.sep);
  if (folder && relative && !path.isAbsolute(configured)) {
    return path.join(folder.uri.fsPath, configured);
  }
  return configured;
}

async function start() {
  const command = serverCommand();
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const serverOptions = {
    command,
    args: ['lsp'],
    transport: TransportKind.stdio,
    options: folder ? { cwd: folder.uri.fsPath } : {},
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'pol' },
      { scheme: 'untitled', language: 'pol' },
    ],
  };
  client = new LanguageClient('polc', 'polc language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    // highlighting goes on without the server; say which command failed and how to fix it
    vscode.window.showErrorMessage(
      `polc: could not start "${command} lsp" (${err && err.message ? err.message : err}). ` +
        'Install polc, or set "polc.path" to its command.',
    );
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      // a server that never started cannot be stopped; there is nothing left to clean up
    }
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('polc.path')) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
