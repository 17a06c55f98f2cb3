// Talks to a real `polc lsp` with VS Code's own protocol library (vscode-languageserver-protocol,
// which vscode-languageclient speaks), for tests/tools/test_lsp_vscode.py:
//
//   node test/server.js < SCENARIO
//
// SCENARIO is a JSON object: {"command": [the server command], "uri", "text": a document,
// "hover", "completion": positions}.  Starts the command with --stdio, as the extension's
// TransportKind.stdio does, initializes, opens the document, waits for its diagnostics, asks
// for a hover and a completion, shuts the server down, and prints
// {"capabilities", "diagnostics", "hover", "completion", "exit"}.  Gives up after a minute.
'use strict';

const cp = require('child_process');
const fs = require('fs');
const rpc = require('vscode-languageserver-protocol/node');

const scenario = JSON.parse(fs.readFileSync(0, 'utf8'));
const [command, ...args] = scenario.command;
const server = cp.spawn(command, [...args, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = rpc.createProtocolConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);
const timer = setTimeout(() => {
  console.error('no answer from the server within a minute');
  server.kill();
  process.exit(1);
}, 60000);

async function main() {
  connection.listen();
  const published = new Promise((resolve) => {
    connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
      if (params.uri === scenario.uri && params.version === 1) resolve(params.diagnostics);
    });
  });
  const init = await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid, rootUri: null, workspaceFolders: null,
    capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } },
  });
  connection.sendNotification(rpc.InitializedNotification.type, {});
  connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: scenario.uri, languageId: 'pol', version: 1, text: scenario.text },
  });
  const diagnostics = await published;
  const doc = { uri: scenario.uri };
  const hover = await connection.sendRequest(rpc.HoverRequest.type,
    { textDocument: doc, position: scenario.hover });
  const completion = await connection.sendRequest(rpc.CompletionRequest.type,
    { textDocument: doc, position: scenario.completion });
  await connection.sendRequest(rpc.ShutdownRequest.type);
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  connection.sendNotification(rpc.ExitNotification.type);
  const exit = await exited;
  clearTimeout(timer);
  console.log(JSON.stringify({ capabilities: init.capabilities, diagnostics, hover, completion,
    exit }));
  connection.dispose();
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  server.kill();
  process.exit(1);
});
