"""Read corpus files into ``Document``s, keeping every character as it is on disk.

Hand-written rather than llama-index's ``SimpleDirectoryReader``: that reader decodes with
``errors="ignore"`` and universal newlines, which silently shifts character offsets, and
every citation here is checked as ``text == source[start:end]``. HTML and PDF files are
stored as the text extracted from them (``extract.py``); their offsets index that text.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from citebot.index.errors import EmptyCorpus, InvalidInput, UnreadableFile
from citebot.index.ingest.boilerplate import is_boilerplate
from citebot.index.ingest.extract import (
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    Extracted,
    html_text,
    pdf_text,
    web_url,
)
from citebot.index.models import Document, DocumentMeta

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
KINDS = ".txt, .md, .html, .htm or .pdf"  # for messages: what discover() picks up
SIDECAR_SUFFIX = ".meta.json"
_FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)
_SENTENCE_END = ("." , "!", "?", "”", '"', ":", ";", ",")


@dataclass(frozen=True)
class SourceFile:
    root: Path
    path: Path

    @property
    def source(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def discover(paths: Iterable[Path]) -> list[SourceFile]:
    """Every readable file (``SUFFIXES``) under the given folders (or the files), sorted."""
    found: list[SourceFile] = []
    for given in paths:
        if not given.exists():
            raise EmptyCorpus(f"{given} does not exist: give a folder or a {KINDS} file")
        if given.is_file():
            found.append(SourceFile(given.parent, given))
            continue
        found.extend(SourceFile(given, p) for p in _files(given) if readable(p))
    return found


def unsupported(paths: Iterable[Path]) -> list[Path]:
    """Files inside the given folders that ``discover`` leaves out for their type (a .docx,
    a file without a suffix), so a summary can name them. Sidecar metadata files and
    anything hidden (``.git/``, ``.DS_Store``) are not documents and are not counted."""
    return [
        p for given in paths if given.is_dir() for p in _files(given)
        if not readable(p) and not p.name.endswith(SIDECAR_SUFFIX)
        and not any(part.startswith(".") for part in p.relative_to(given).parts)
    ]


def readable(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(".")


def _files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file()]


def decode(data: bytes, name: str) -> str:
    """Strict UTF-8: a wrong byte is reported, never replaced, so offsets stay true."""
    if b"\x00" in data:
        raise UnreadableFile(f"{name} looks binary (it contains NUL bytes); give UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnreadableFile(
            f"{name} is not valid UTF-8 (byte {data[e.start]:#04x} at offset {e.start}); "
            "convert it, e.g. `iconv -f latin1 -t utf-8`"
        ) from None


def read(data: str | bytes, source: str) -> Extracted:
    """The text to store: a file's bytes are extracted by the source's suffix (HTML, PDF)
    or decoded as strict UTF-8; a ``str`` is already text and is kept as it is."""
    if isinstance(data, str):
        return Extracted(data)
    suffix = PurePosixPath(source).suffix.lower()
    if suffix not in SUFFIXES:  # a .docx or .rtf "decoded" as text would store its markup
        kind = f"a {suffix} file" if suffix else "a file without a suffix"
        raise InvalidInput(f"{source}: {kind} is not a kind citebot reads; send {KINDS} "
                           "(the source's suffix says which)")
    if suffix in HTML_SUFFIXES:
        return html_text(data, source)
    if suffix in PDF_SUFFIXES:
        return pdf_text(data, source)
    return Extracted(decode(data, source))


def stamp(file: SourceFile) -> str:
    """The file's (and its sidecar's) size and modification time, in nanoseconds."""
    st = file.path.stat()
    sidecar = file.path.with_name(file.path.name + SIDECAR_SUFFIX)
    side = sidecar.stat() if sidecar.exists() else None
    return f"{st.st_size}:{st.st_mtime_ns}" + (f"|{side.st_size}:{side.st_mtime_ns}"
                                                if side else "")


def load(file: SourceFile) -> Document:
    given = stamp(file)  # before reading: a change made while reading shows next time
    found = read(file.path.read_bytes(), file.source)
    if not found.text.strip():  # indexed, it would count as "added" and answer nothing
        raise EmptyCorpus(f"{file.source} is empty (or only white space): nothing to index")
    sidecar = file.path.with_name(file.path.name + SIDECAR_SUFFIX)
    extra = _read_sidecar(sidecar) if sidecar.exists() else {}
    doc = make_document(file.source, found.text, **(found.meta() | extra))  # sidecar wins
    return doc.model_copy(update={"meta": doc.meta.model_copy(update={"stamp": given})})


def make_document(
    source: str,
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Document:
    """A document from text already in memory (files, or uploads through the API)."""
    if url and not web_url(url):
        raise InvalidInput(f"{source}: the url {url!r} is not a web address; give the "
                           "article's http:// or https:// address, or leave it out")
    meta = DocumentMeta(
        source=source,
        title=title or front_matter_title(text) or headline(text),
        hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        chars=len(text),
        url=url,
        outlet=outlet,
        published=published,
    )
    return Document(meta=meta, text=text)


def _read_sidecar(path: Path) -> dict[str, str | None]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise UnreadableFile(f"{path.name} is not valid JSON metadata: {e}") from None
    if not isinstance(raw, dict):
        raise UnreadableFile(f"{path.name} must hold a JSON object such as {{\"title\": \"…\"}}")
    return {k: str(raw[k]) for k in ("title", "url", "outlet", "published") if raw.get(k)}


def front_matter_title(text: str) -> str | None:
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "title" and value.strip():
            return value.strip().strip("\"'")
    return None


def front_matter_end(text: str) -> int:
    match = _FRONT_MATTER.match(text)
    return match.end() if match else 0


def lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line, without its line break."""
    for match in re.finditer(r"[^\r\n]+", text[start:]):
        yield start + match.start(), start + match.end()


def opening(text: str, words: int = 10) -> str | None:
    """The first ``words`` words of the first line that is not web boilerplate ("3 days
    ago"), with "…" when the line goes on: what names an untitled document to a reader."""
    for s, e in lines(text, front_matter_end(text)):
        found = text[s:e].split()
        if found and not is_boilerplate(text[s:e]):
            if len(found) <= words:
                return " ".join(found)
            return " ".join(found[:words]).rstrip(",;:—–-") + "…"
    return None


def headline(text: str) -> str | None:
    """The first line, when it reads like a headline: short and not a sentence."""
    body = [(s, e) for s, e in lines(text, front_matter_end(text)) if text[s:e].strip()]
    content = [(s, e) for s, e in body if not is_boilerplate(text[s:e])]
    if len(content) < 2:
        return None
    first = text[content[0][0] : content[0][1]].strip().lstrip("#").strip()
    if 0 < len(first) <= 200 and not first.endswith(_SENTENCE_END):
        return first
    return None
