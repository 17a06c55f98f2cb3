// Runs the TextMate grammar of .pol in the engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), for tests/test_textmate.py.
//
//   node test/tokenize.js < request.json
//
// request: {"grammar": PATH, "documents": {NAME: TEXT, ...}}, each text split at "\n".
// Prints one JSON object:
//   regexErrors: [{regex, error}] for every pattern of the grammar Oniguruma refuses;
//   warnings:    what the engine printed (an endless loop of the grammar, say);
//   documents:   {NAME: [{tokens: [[start, end, [scope, ...]], ...], stack: [scope, ...],
//                 depth, stoppedEarly}, ...]}, one entry a line, positions in code points
//                 (as Python and the Lark lexer count them), `stack` and `depth` the rule
//                 stack at the end of the line (depth 1: nothing left open).
'use strict';

const fs = require('fs');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

// every regular expression in a raw grammar, wherever it sits
function regexes(node, out) {
  if (Array.isArray(node)) {
    node.forEach((n) => regexes(n, out));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
        out.push(value);
      } else {
        regexes(value, out);
      }
    }
  }
  return out;
}

// code-point offset of every UTF-16 offset of a line (and of its end)
function codePoints(line) {
  const map = new Array(line.length + 2);
  let cp = 0;
  for (let i = 0; i < line.length; i++) {
    map[i] = cp;
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      map[i + 1] = cp;
      i++;
    }
    cp++;
  }
  map[line.length] = cp;
  map[line.length + 1] = cp; // the engine's tokens may end past the "\n" it appends
  return map;
}

async function main() {
  const request = JSON.parse(readStdin());
  const warnings = [];
  for (const level of ['log', 'warn', 'error']) {
    console[level] = (...args) => warnings.push(args.map(String).join(' '));
  }
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);

  const source = fs.readFileSync(request.grammar, 'utf8');
  const regexErrors = [];
  for (const regex of regexes(JSON.parse(source), [])) {
    try {
      new oniguruma.OnigScanner([regex]).dispose();
    } catch (err) {
      regexErrors.push({ regex, error: String(err && err.message ? err.message : err) });
    }
  }

  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(source, request.grammar),
  });
  const grammar = await registry.loadGrammar(JSON.parse(source).scopeName);

  const documents = {};
  for (const [name, text] of Object.entries(request.documents)) {
    let state = vsctm.INITIAL;
    documents[name] = text.split('\n').map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      const cp = codePoints(line);
      return {
        tokens: result.tokens.map((t) => [cp[t.startIndex], cp[t.endIndex], t.scopes]),
        stack: state.contentNameScopesList ? state.contentNameScopesList.getScopeNames() : [],
        depth: state.depth,
        stoppedEarly: result.stoppedEarly,
      };
    });
  }
  process.stdout.write(JSON.stringify({ regexErrors, warnings, documents }));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
