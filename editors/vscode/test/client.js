// Runs src/extension.js against stand-ins for the VS Code API and for the LanguageClient
// class, for tests/test_vscode_extension.py: what the extension asks of VS Code cannot be seen
// without VS Code, so the stand-ins record it.  The rest of vscode-languageclient is the real
// package (TransportKind), loaded over a stub of the VS Code API that answers every lookup.
//
//   node test/client.js SCENARIO
//
// SCENARIO is a JSON object: {"path": the polc.path setting, "folder": a workspace folder or
// null, "fail": true when the server's start fails, "change": a new polc.path to switch to}.
// Prints {"clients": [{id, name, serverOptions, clientOptions, started, stopped}],
// "errors": [messages shown], "subscriptions": N, "exports": what the real package exports}.
'use strict';

const Module = require('module');

const scenario = JSON.parse(process.argv[2]);
const clients = [];
const errors = [];
const listeners = [];
let setting = scenario.path;

const vscode = {
  workspace: {
    getConfiguration: (section) => ({
      get: (key) => (section === 'polc' && key === 'path' ? setting : undefined),
    }),
    workspaceFolders: scenario.folder ? [{ uri: { fsPath: scenario.folder } }] : undefined,
    onDidChangeConfiguration: (listener) => {
      listeners.push(listener);
      return { dispose() {} };
    },
  },
  window: {
    showErrorMessage: (message) => {
      errors.push(message);
      return Promise.resolve(undefined);
    },
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.record = { id, name, serverOptions, clientOptions, started: false, stopped: false };
    clients.push(this.record);
  }
  async start() {
    if (scenario.fail) {
      throw new Error('spawn polc ENOENT');
    }
    this.record.started = true;
  }
  async stop() {
    if (!this.record.started) {
      throw new Error('the client is not running');
    }
    this.record.stopped = true;
  }
}

const load = Module._load;
const anything = {
  get: (target, key) => {
    if (!(key in target)) {
      target[key] = new Proxy(function () {}, anything);
    }
    return target[key];
  },
};
Module._load = function (request, ...rest) {
  return request === 'vscode' ? new Proxy({}, anything) : load.call(this, request, ...rest);
};
const real = require('vscode-languageclient/node');
const stand_ins = {
  vscode,
  'vscode-languageclient/node': { ...real, LanguageClient },
};
Module._load = function (request, ...rest) {
  return request in stand_ins ? stand_ins[request] : load.call(this, request, ...rest);
};

async function main() {
  const extension = require('../src/extension.js');
  const context = { subscriptions: [] };
  await extension.activate(context);
  if (scenario.change !== undefined) {
    setting = scenario.change;
    for (const listener of listeners) {
      await listener({ affectsConfiguration: (key) => key === 'polc.path' });
      await listener({ affectsConfiguration: (key) => key === 'editor.fontSize' });
    }
  }
  await extension.deactivate();
  const exports = { LanguageClient: typeof real.LanguageClient, stdio: real.TransportKind.stdio };
  const subscriptions = context.subscriptions.length;
  process.stdout.write(JSON.stringify({ clients, errors, subscriptions, exports }));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
