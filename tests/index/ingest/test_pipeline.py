import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import EmptyCorpus
from citebot.index.ingest import pipeline
from citebot.index.ingest.loader import SourceFile, discover
from citebot.index.models import Chunk, Document
from citebot.index.service import Citebot
from citebot.index.settings import default_model
from citebot.settings import Settings
from tests.conftest import CORPUS


def test_reingest_is_idempotent(make_bot: Callable[..., Citebot], corpus_copy: Path) -> None:
    bot = make_bot(corpus_dir=corpus_copy)
    first = bot.ingest()
    assert (first.added, first.chunks, first.skipped) == (5, first.chunks, 0)
    assert first.chunks > 5
    again = bot.ingest()
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 5, 0)
    assert bot.store.chunk_count() == first.chunks


def test_changed_file_replaces_its_chunks_and_prune_removes(
    make_bot: Callable[..., Citebot], corpus_copy: Path
) -> None:
    bot = make_bot(corpus_dir=corpus_copy)
    bot.ingest()
    target = corpus_copy / "004_9c1a1810735250cf.txt"
    target.write_text("Bolivia exports lithium.\nThe lithium reserves are the largest.",
                      encoding="utf-8")
    report = bot.ingest()
    assert (report.updated, report.unchanged) == (1, 4)
    ids = bot.store._chunks.get(where={"source": target.name})["ids"]
    assert ids and all(bot.store.hashes()[target.name][:16] in i for i in ids)
    answer = bot.ask("What does Bolivia export?")
    assert answer.found and answer.citations[0].source == target.name
    assert answer.citations[0].text == target.read_text(encoding="utf-8")[
        answer.citations[0].start : answer.citations[0].end
    ]
    (corpus_copy / "000_86393d9dbeceabfc.txt").unlink()
    assert bot.ingest().removed == 0  # without --prune nothing is dropped
    pruned = bot.ingest(prune=True)
    assert pruned.removed == 1
    assert "000_86393d9dbeceabfc.txt" not in bot.store.hashes()
    assert not bot.store._chunks.get(where={"source": "000_86393d9dbeceabfc.txt"})["ids"]
    assert not bot.store._sentvecs.get(where={"source": "000_86393d9dbeceabfc.txt"})["ids"]


def test_non_utf8_file_is_skipped_and_named(
    make_bot: Callable[..., Citebot], corpus_copy: Path
) -> None:
    (corpus_copy / "latin1.txt").write_bytes("Le prix: 5 \xa3".encode("latin-1"))
    report = make_bot(corpus_dir=corpus_copy).ingest()
    assert report.added == 5 and report.skipped == 1
    assert "latin1.txt is not valid UTF-8" in report.problems[0]


def test_empty_corpus_is_a_clear_error(make_bot: Callable[..., Citebot], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmptyCorpus, match="no .txt, .md, .html, .htm or .pdf files"):
        make_bot(corpus_dir=empty).ingest()
    with pytest.raises(EmptyCorpus, match="does not exist"):
        make_bot().ingest([tmp_path / "missing"])


class FailingEmbedder(Embedder):
    """The real model, failing on the document whose text contains a marker."""

    def embed_chunks(
        self, chunks: list[Chunk], done: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        if any("EXPLODE" in c.text for c in chunks):
            raise RuntimeError("simulated failure while embedding")
        return super().embed_chunks(chunks, done)


def test_failure_midway_leaves_no_half_document(
    make_bot: Callable[..., Citebot], corpus_copy: Path, embedder: Embedder
) -> None:
    bot = make_bot(corpus_dir=corpus_copy)
    bot.ingest()
    before = bot.store.hashes()
    failing = FailingEmbedder(embedder.model_name)
    failing.__dict__.update(embedder.__dict__)  # share the loaded model
    broken = Citebot(bot.settings, embedder=failing)
    (corpus_copy / "001_7bffb0ae13b85e22.txt").write_text("EXPLODE here.\nAnd more text.")
    with pytest.raises(RuntimeError):
        broken.ingest()
    assert broken.store.hashes() == before  # the old version is still the committed one
    answer = broken.ask("Who summoned the Chinese ambassador?")
    assert all("EXPLODE" not in c.text for c in answer.citations)


def test_two_folders_with_the_same_file_name_keep_the_first_and_say_so(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    for folder, text in (("a", "Apples are red, said farmer Tom Green."),
                         ("b", "Bananas are yellow, said farmer Ann Blue.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(text, encoding="utf-8")
    bot = make_bot()
    report = bot.ingest([tmp_path / "a", tmp_path / "b"])
    assert (report.added, report.skipped) == (1, 1)
    assert report.problems == [
        f"{tmp_path / 'b' / 'x.txt'} has the same source name 'x.txt' as "
        f"{tmp_path / 'a' / 'x.txt'}, which is indexed under it; give their common parent "
        "folder so the names differ"
    ]
    assert bot.document("x.txt").text.startswith("Apples")


def test_progress_moves_with_each_model_call_and_ends_at_the_documents(tmp_path: Path) -> None:
    # one group of ~24 chunks embedded 4 at a time: the count moves before the group is
    # stored (a 256-chunk group is ~70 BBC articles)
    small_batches = Embedder(default_model(), batch_size=4)
    bot = Citebot(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS),
                  embedder=small_batches)
    totals: list[int] = []
    ticks: list[int] = []

    def progress(total: int) -> Callable[[int], None]:
        totals.append(total)
        return ticks.append

    report = bot.ingest(progress=progress)
    assert totals == [5] and 16 < report.chunks < 256
    assert sum(ticks) == 5 and len(ticks) >= 4 and all(t > 0 for t in ticks)
    assert bot.ingest(progress=progress).unchanged == 5 and totals == [5]  # nothing to show


def test_unchanged_files_are_skipped_by_stamp_without_being_read(
    make_bot: Callable[..., Citebot], corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = make_bot(corpus_dir=corpus_copy)
    bot.ingest()
    read: list[str] = []
    real = pipeline.load

    def spy(file: SourceFile) -> Document:
        read.append(file.source)
        return real(file)

    monkeypatch.setattr(pipeline, "load", spy)
    assert bot.ingest().unchanged == 5 and read == []  # nothing read, nothing hashed
    touched = corpus_copy / "002_c8a84d8b66c5ac54.txt"
    os.utime(touched, ns=(time.time_ns(), time.time_ns()))  # same text, newer time
    again = bot.ingest()
    assert (again.unchanged, again.updated, read) == (5, 0, [touched.name])  # hashed once
    read.clear()
    assert bot.ingest().unchanged == 5 and read == []  # its new stamp was recorded
    sidecar = corpus_copy / "003_c2cc60b2651c84c4.txt.meta.json"
    sidecar.write_text('{"title": "A sidecar title"}')
    relabelled = bot.ingest()
    assert (relabelled.updated, relabelled.chunks) == (1, 0)  # no new version, nothing embedded
    assert read == ["003_c2cc60b2651c84c4.txt"]
    assert bot.document("003_c2cc60b2651c84c4.txt").meta.title == "A sidecar title"


def _small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_EMBED_GROUP", 6)  # the sample corpus in several groups


def test_a_group_is_embedded_while_the_one_before_is_stored(
    make_bot: Callable[..., Citebot], monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_groups(monkeypatch)
    bot = make_bot()
    s = bot.settings
    total = sum(len(pipeline.chunk(pipeline.load(f), bot.embedder.count_tokens, s.chunk_tokens,
                                   s.chunk_overlap_sentences)) for f in discover([CORPUS]))
    started = threading.Condition()
    embedded = stored = 0  # chunks handed to the model, chunks handed to the store
    real_embed, real_write = bot.embedder.embed_chunks, bot.store.write
    overlapped: list[bool] = []

    def embed(chunks: Any, done: Any = None) -> Any:
        nonlocal embedded
        with started:
            embedded += len(chunks)
            started.notify_all()
        return real_embed(chunks, done)

    def write(versions: Any) -> None:
        nonlocal stored
        stored += sum(len(v.chunks) for v in versions)
        if stored < total:  # the next group's embedding begins while this one is stored
            with started:
                overlapped.append(started.wait_for(lambda: embedded > stored, timeout=30))
        real_write(versions)

    monkeypatch.setattr(bot.embedder, "embed_chunks", embed)
    monkeypatch.setattr(bot.store, "write", write)
    report = bot.ingest()
    assert (report.added, report.chunks, stored) == (5, total, total)
    assert len(overlapped) >= 2 and all(overlapped)
    assert bot.ask("Who summoned the Chinese ambassador?").found


def test_a_failed_store_write_is_raised_and_leaves_whole_documents(
    make_bot: Callable[..., Citebot], corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_groups(monkeypatch)
    bot = make_bot(corpus_dir=corpus_copy)
    real_write, calls = bot.store.write, []

    def write(versions: Any) -> None:
        calls.append(len(versions))
        if len(calls) == 2:
            raise RuntimeError("simulated store failure")
        real_write(versions)

    monkeypatch.setattr(bot.store, "write", write)
    with pytest.raises(RuntimeError, match="simulated store failure"):
        bot.ingest()
    assert not [t for t in threading.enumerate() if t.name.startswith("citebot-store")]
    stored = bot.store.hashes()
    assert 0 < len(stored) < 5  # the first group, committed; nothing after the failure
    metas = bot.store.metas(stored)
    ids, _ = bot.store.version_chunks(metas)
    assert len(ids) == sum(m.chunks for m in metas.values())  # whole ones
    monkeypatch.setattr(bot.store, "write", real_write)
    again = bot.ingest()
    assert (again.unchanged, again.added) == (len(stored), 5 - len(stored))


def test_an_ingest_finds_the_entities_of_what_it_wrote(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]]
) -> None:
    bot = make_bot()
    bot.ingest()
    computed = entity_calls()
    answer = bot.ask("Where were the Chinese soldiers captured?")
    assert answer.found and computed == []  # every retrieved chunk's entities were stored
    question = "Where were the Chinese soldiers captured?"
    chunks = bot.retriever.retrieve(question, bot.embedder.embed_queries([question])[0], 5)
    stored = bot.store.sentences(chunks).entities
    assert len(stored) == len(chunks) and any(stored.values())
