"""How files are handed to workers: at most CHUNK files or CHUNK_BYTES bytes a chunk, so a very large file
goes out alone and the files after it are not held back behind it on one worker."""

from __future__ import annotations

from pathlib import Path

from kgen.check import parallel
from kgen.load.discover import Source


def source(path: Path, size: int) -> Source:
    path.write_bytes(b"#" * size)
    return Source(str(path), path)


def test_large_files_close_their_chunk_and_small_ones_go_sixteen_at_a_time(tmp_path: Path) -> None:
    big = parallel.CHUNK_BYTES
    sources = [source(tmp_path / "a.yaml", big), *(source(tmp_path / f"s{n:02d}.yaml", 100) for n in range(20))]
    sources.append(source(tmp_path / "z.yaml", big - 1))
    sources.append(Source("-", None, text="x" * big))  # a kustomize build's text is judged by its length
    sources.append(source(tmp_path / "last.yaml", 1))
    chunks = [[s.name.rsplit("/", 1)[-1] for s in chunk] for chunk in parallel._chunks(sources)]
    assert [len(chunk) for chunk in chunks] == [1, 16, 5, 1, 1]
    assert chunks[0] == ["a.yaml"] and chunks[2][-1] == "z.yaml" and chunks[3] == ["-"] and chunks[4] == ["last.yaml"]


def test_a_file_gone_before_its_stat_counts_as_empty(tmp_path: Path) -> None:
    gone = Source(str(tmp_path / "gone.yaml"), tmp_path / "gone.yaml")
    assert [len(chunk) for chunk in parallel._chunks([gone] * 17)] == [16, 1]
