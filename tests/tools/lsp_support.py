"""What the language-server tests share: the server command, a session fixture's set-up, and
positions and edits in LSP's terms (0-based lines, UTF-16 columns)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types as T
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from ..paths import ROOT

# the command the VS Code extension runs (`polc lsp`, to which vscode-languageclient adds
# --stdio), through this interpreter so the test runs the polc under test
SERVER = [sys.executable, "-m", "polc.compiler.tools.cli", "lsp", "--stdio"]
# generous: the machine may be busy; a test only waits this long when the server is broken
TIMEOUT = 60.0


class Client(LanguageClient):
    """pytest-lsp's client, keeping every publishDiagnostics with its version (its own
    keeps the last list per file, without the version an edit is matched by)."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[T.PublishDiagnosticsParams] = []
        self.init_result: T.InitializeResult | None = None


def make_client() -> Client:
    client = Client()

    def published(client: Client, params: T.PublishDiagnosticsParams) -> None:
        client.published.append(params)
        client.diagnostics[params.uri] = params.diagnostics

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: published})
    return client


async def start(client: LanguageClient) -> T.InitializeResult:
    return await client.initialize_session(T.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=ROOT.as_uri(), workspace_folders=[T.WorkspaceFolder(ROOT.as_uri(), "polc")]))


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
