"""`polc lsp`: the language server, over stdio, on pygls.

Each open document is analysed through `pipeline.Compilation` once per version of its
text (`Analysis`); diagnostics are published on open at once and after an edit once the
drafter pauses (`debounce`), so a burst of keystrokes compiles once.  A request always reads
the analysis of the text it names.  Every handler is guarded: input that makes polc fail
gets a logged message and an empty answer, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable
from importlib import metadata
from typing import Any, TypeVar

from lsprotocol import types as T
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from . import complete, document, features
from . import hover as hovers
from .document import Analysis

# seconds after the last edit before a document is compiled again: a keystroke burst
# (about 100-200 ms between keys) compiles once, a pause shows its errors promptly;
# POLC_LSP_DEBOUNCE (seconds) sets another wait, for a slow machine or a test
DEFAULT_DEBOUNCE = 0.1


def debounce() -> float:
    try:
        wait = float(os.environ.get("POLC_LSP_DEBOUNCE", DEFAULT_DEBOUNCE))
    except ValueError:
        return DEFAULT_DEBOUNCE
    return wait if 0 <= wait <= 10 else DEFAULT_DEBOUNCE

log = logging.getLogger("polc.lsp")
F = TypeVar("F", bound=Callable[..., Any])


class PolcServer(LanguageServer):
    def __init__(self) -> None:
        try:
            version = metadata.version("polc")
        except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
            version = "0"
        # whole texts, not incremental changes: pygls applies those on str.splitlines()
        # lines, which also end at U+2028, \x0c, \x85 … (a quote may hold them), where LSP
        # and polc end a line only at \n, \r\n or \r; an edit below one would land on
        # the wrong line
        super().__init__("polc", version, text_document_sync_kind=T.TextDocumentSyncKind.Full)
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.debounce = debounce()

    def analysis(self, uri: str) -> Analysis:
        """The analysis of the document's current text (computed now if it changed)."""
        doc = self.workspace.get_text_document(uri)
        known = self.analyses.get(uri)
        if known is not None and known.text == doc.source:
            return known
        fresh = Analysis(uri, doc.source, doc.version)
        self.analyses[uri] = fresh
        return fresh

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if uri not in self.workspace.text_documents:
            return
        version = self.workspace.get_text_document(uri).version
        try:
            a = self.analysis(uri)
            diags = features.diagnostics(a)
        except Exception:  # the server outlives any input; the log says why
            log.exception("polc lsp: diagnostics of %s failed", uri)
            return
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=version))
        try:
            # what hover, go-to and completion read, made once the errors are out, so the
            # drafter's next request finds it ready
            a.index, a.notice  # noqa: B018
        except Exception:  # as above: a request will then answer nothing rather than fail
            log.exception("polc lsp: indexing %s failed", uri)

    def schedule(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce, self.publish, uri)


server = PolcServer()


def guarded(default: object) -> Callable[[F], F]:
    """A handler that answers `default` rather than fail when polc fails on the input."""
    def wrap(handler: F) -> F:
        @functools.wraps(handler)
        def run(ls: PolcServer, params: Any) -> Any:
            try:
                return handler(ls, params)
            except JsonRpcInvalidParams:
                raise
            except Exception:
                log.exception("polc lsp: %s failed", handler.__name__)
                return default
        return run  # type: ignore[return-value]
    return wrap


def _at(ls: PolcServer, params: Any) -> tuple[Analysis, int, int]:
    a = ls.analysis(params.text_document.uri)
    line, col = a.lines.from_lsp(params.position.line, params.position.character)
    return a, line, col


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: PolcServer, params: T.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: PolcServer, params: T.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(T.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: PolcServer, params: T.DidSaveTextDocumentParams) -> None:
    # the notice beside the file may have changed too: recompile from scratch
    ls.analyses.pop(params.text_document.uri, None)
    ls.schedule(params.text_document.uri)


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: PolcServer, params: T.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.analyses.pop(uri, None)
    pending = ls.pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(T.TEXT_DOCUMENT_HOVER)
@guarded(None)
def hover(ls: PolcServer, params: T.HoverParams) -> T.Hover | None:
    return hovers.hover(*_at(ls, params))


@server.feature(T.TEXT_DOCUMENT_DEFINITION)
@guarded(None)
def definition(ls: PolcServer, params: T.DefinitionParams) -> T.Location | None:
    return features.definition(*_at(ls, params))


@server.feature(T.TEXT_DOCUMENT_REFERENCES)
@guarded([])
def references(ls: PolcServer, params: T.ReferenceParams) -> list[T.Location]:
    return features.references(*_at(ls, params), params.context.include_declaration)


@server.feature(T.TEXT_DOCUMENT_COMPLETION,
                T.CompletionOptions(trigger_characters=["「", " "], resolve_provider=True))
@guarded(T.CompletionList(False, []))
def completion(ls: PolcServer, params: T.CompletionParams) -> T.CompletionList:
    context = params.context
    trigger = context.trigger_character if context is not None and \
        context.trigger_kind == T.CompletionTriggerKind.TriggerCharacter else None
    uri = params.text_document.uri
    # the editor asks as the drafter types: the names and the notice of the last analysis
    # do, and the text typed since is read as it is now (complete.completion)
    a = ls.analyses.get(uri) or ls.analysis(uri)
    now = document.Lines.of(ls.workspace.get_text_document(uri).source)
    line, col = now.from_lsp(params.position.line, params.position.character)
    return complete.completion(a, line, col, trigger, now)


@server.feature(T.COMPLETION_ITEM_RESOLVE)
def completion_resolve(ls: PolcServer, item: T.CompletionItem) -> T.CompletionItem:
    uri = item.data.get("uri") if isinstance(item.data, dict) else None
    if not isinstance(uri, str) or uri not in ls.workspace.text_documents:
        return item
    try:
        return complete.resolve(ls.analyses.get(uri) or ls.analysis(uri), item)
    except Exception:  # as `guarded`, answering the item as it came
        log.exception("polc lsp: resolving a completion failed")
        return item


@server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded([])
def document_symbol(ls: PolcServer, params: T.DocumentSymbolParams) -> list[T.DocumentSymbol]:
    return features.outline(ls.analysis(params.text_document.uri))


@server.feature(T.TEXT_DOCUMENT_FORMATTING)
@guarded(None)
def formatting(ls: PolcServer, params: T.DocumentFormattingParams) -> list[T.TextEdit] | None:
    a = ls.analysis(params.text_document.uri)
    return features.formatting(a.text, a.name)


@server.feature(T.TEXT_DOCUMENT_PREPARE_RENAME)
@guarded(None)
def prepare_rename(ls: PolcServer, params: T.PrepareRenameParams) -> T.Range | None:
    return features.prepare_rename(*_at(ls, params))


@server.feature(T.TEXT_DOCUMENT_RENAME)
@guarded(None)
def rename(ls: PolcServer, params: T.RenameParams) -> T.WorkspaceEdit | None:
    try:
        return features.rename(*_at(ls, params), params.new_name)
    except features.RenameRefused as exc:
        raise JsonRpcInvalidParams(str(exc)) from None


@server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix]))
@guarded([])
def code_action(ls: PolcServer, params: T.CodeActionParams) -> list[T.CodeAction]:
    a = ls.analysis(params.text_document.uri)
    return features.code_actions(a, params.range, list(params.context.diagnostics))


def serve() -> None:
    """Serve one client over stdin/stdout until it exits."""
    server.start_io()
