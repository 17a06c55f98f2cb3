"""What the language-server tests share: the server command, a session fixture's set-up, and
positions and edits in LSP's terms (0-based lines, UTF-16 columns)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.client import LanguageClient

from ..paths import ROOT

# the command the VS Code extension runs (`polc lsp`, to which vscode-languageclient adds
# --stdio), through this interpreter so the test runs the polc under test
SERVER = [sys.executable, "-m", "polc.compiler.tools.cli", "lsp", "--stdio"]
# generous: the machine may be busy; a test only waits this long when the server is broken
TIMEOUT = 60.0

# what VS Code says it can do, for the features polc lsp has
CAPABILITIES = T.ClientCapabilities(
    general=T.GeneralClientCapabilities(position_encodings=[T.PositionEncodingKind.Utf16]),
    text_document=T.TextDocumentClientCapabilities(
        synchronization=T.TextDocumentSyncClientCapabilities(did_save=True),
        publish_diagnostics=T.PublishDiagnosticsClientCapabilities(
            related_information=True, version_support=True),
        hover=T.HoverClientCapabilities(content_format=[T.MarkupKind.Markdown,
                                                        T.MarkupKind.PlainText]),
        completion=T.CompletionClientCapabilities(completion_item=T.ClientCompletionItemOptions(
            resolve_support=T.ClientCompletionItemResolveOptions(["documentation"]),
            documentation_format=[T.MarkupKind.Markdown, T.MarkupKind.PlainText])),
        document_symbol=T.DocumentSymbolClientCapabilities(
            hierarchical_document_symbol_support=True),
        rename=T.RenameClientCapabilities(prepare_support=True),
        code_action=T.CodeActionClientCapabilities(
            code_action_literal_support=T.ClientCodeActionLiteralOptions(
                T.ClientCodeActionKindOptions([T.CodeActionKind.QuickFix])))))


class Client(LanguageClient):
    """pygls' client, as an editor: it keeps every publishDiagnostics with its version, so
    a test waits for the diagnostics of the edit it made, and the server's stderr."""

    def __init__(self) -> None:
        super().__init__("polc-tests", "1")
        self.published: list[T.PublishDiagnosticsParams] = []
        self.init_result: T.InitializeResult | None = None
        self.stderr: list[str] = []
        self._drain: asyncio.Task[None] | None = None

        @self.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: T.PublishDiagnosticsParams) -> None:
            self.published.append(params)

        @self.feature(T.WINDOW_SHOW_MESSAGE)
        def shown(params: T.ShowMessageParams) -> None:
            self.stderr.append(f"window/showMessage: {params.message}")

    async def start_io(self, cmd: str, *args: str, **kwargs: object) -> None:
        await super().start_io(cmd, *args, **kwargs)
        # read the server's stderr as it comes, so a full pipe never blocks it
        self._drain = asyncio.create_task(self._read_stderr())

    async def _read_stderr(self) -> None:
        stream = self._server.stderr if self._server is not None else None
        while stream is not None and (line := await stream.readline()):
            self.stderr.append(line.decode("utf-8", "replace"))

    async def finish(self) -> None:
        """Shut the server down as an editor does, and wait for it to exit."""
        try:
            await asyncio.wait_for(self.shutdown_async(None), TIMEOUT)
            self.exit(None)
            if self._server is not None:
                await asyncio.wait_for(self._server.wait(), TIMEOUT)
        finally:
            await self.stop()
            if self._drain is not None:
                self._drain.cancel()


def make_client() -> Client:
    return Client()


async def start(client: Client) -> T.InitializeResult:
    result = await asyncio.wait_for(client.initialize_async(T.InitializeParams(
        capabilities=CAPABILITIES, process_id=os.getpid(), root_uri=ROOT.as_uri(),
        workspace_folders=[T.WorkspaceFolder(ROOT.as_uri(), "polc")])), TIMEOUT)
    client.initialized(T.InitializedParams())
    return result


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(text: str, needle: str, nth: int = 0, into: int = 0) -> T.Position:
    """The position `into` characters into the nth occurrence of `needle`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += into
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return T.Position(line, utf16(text[start:at]))


def offset(text: str, pos: T.Position) -> int:
    lines = text.split("\n")
    base = sum(len(ln) + 1 for ln in lines[:pos.line])
    units = 0
    for i, ch in enumerate(lines[pos.line]):
        if units >= pos.character:
            return base + i
        units += utf16(ch)
    return base + len(lines[pos.line])


def apply(text: str, edits: list[T.TextEdit]) -> str:
    """The text with the (non-overlapping) edits made, as an editor makes them."""
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def range_text(text: str, rng: T.Range) -> str:
    return text[offset(text, rng.start):offset(text, rng.end)]


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


class Docs:
    """Open documents of one session, with the versions the client sent."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    async def open(self, path: Path, text: str | None = None) -> tuple[str, list[T.Diagnostic]]:
        uri = uri_of(path)
        text = path.read_text(encoding="utf-8") if text is None else text
        if uri in self.versions:
            self.client.text_document_did_close(
                T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri)))
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.published.clear()
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id="pol", version=1, text=text)))
        return uri, await self.diagnostics(uri, 1)

    def change(self, uri: str, edits: list[T.TextEdit]) -> int:
        """Make the edits and send the new text, as an editor does for a server that asks
        for whole texts (polc lsp's document sync); the new version."""
        self.versions[uri] += 1
        self.texts[uri] = apply(self.texts[uri], edits)
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [T.TextDocumentContentChangeWholeDocument(text=self.texts[uri])]))
        return self.versions[uri]

    def replace(self, uri: str, old: str, new: str, nth: int = 0) -> int:
        text = self.texts[uri]
        start = position(text, old, nth)
        end = position(text, old, nth, len(old))
        return self.change(uri, [T.TextEdit(T.Range(start, end), new)])

    async def diagnostics(self, uri: str, version: int) -> list[T.Diagnostic]:
        """The diagnostics the server publishes for that version of the document."""
        async def wait() -> list[T.Diagnostic]:
            while True:
                for params in self.client.published:
                    if params.uri == uri and params.version == version:
                        return list(params.diagnostics)
                await asyncio.sleep(0.01)
        return await asyncio.wait_for(wait(), TIMEOUT)

    def doc(self, uri: str) -> T.TextDocumentIdentifier:
        return T.TextDocumentIdentifier(uri)
