"""logistics.io: atomic single-file writes, StagedOutputs (all or nothing, renames in staged order, temporary paths
for writers that want a file name) and the clean-up of temporary files a killed run left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logistics.io import StagedOutputs, atomic_write_bytes, atomic_write_json, atomic_write_text, remove_stale_temps


def _names(folder: Path) -> list[str]:
    """Every entry of ``folder`` (hidden ones included), sorted."""
    return sorted(p.name for p in folder.iterdir())


# -- single files ---------------------------------------------------------------------------------------------------


def test_atomic_write_bytes_writes_exactly_the_bytes_and_returns_the_path(tmp_path: Path) -> None:
    data = bytes(range(256)) + b"\r\n\x00end"
    target = tmp_path / "blob.bin"
    out = atomic_write_bytes(str(target), data)  # a str path is accepted, a Path comes back
    assert out == target
    assert isinstance(out, Path)
    assert target.read_bytes() == data
    assert _names(tmp_path) == ["blob.bin"]  # no temporary file left next to it


def test_atomic_write_creates_missing_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    atomic_write_text(target, "x")
    assert target.read_text(encoding="utf-8") == "x"


def test_atomic_write_text_is_utf8_without_newline_translation(tmp_path: Path) -> None:
    text = "广州 – café\nline 2\r\n"
    target = atomic_write_text(tmp_path / "t.txt", text)
    # "广州" is 3 bytes each in UTF-8, "–" 3 bytes, "é" 2 bytes; "\n" stays one byte, "\r\n" two.
    assert target.read_bytes() == text.encode("utf-8")
    assert target.read_bytes().count(b"\r\n") == 1


def test_atomic_write_json_is_indented_unescaped_and_ends_with_a_newline(tmp_path: Path) -> None:
    target = atomic_write_json(tmp_path / "s.json", {"b": 1, "城市": "广州", "xs": [1.5]})
    # json.dumps(indent=2, ensure_ascii=False) + "\n", keys in insertion order:
    assert target.read_text(encoding="utf-8") == '{\n  "b": 1,\n  "城市": "广州",\n  "xs": [\n    1.5\n  ]\n}\n'


def test_atomic_write_replaces_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    atomic_write_json(target, {"run": 1})
    atomic_write_json(target, {"run": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"run": 2}
    assert _names(tmp_path) == ["s.json"]


def test_failed_json_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = atomic_write_json(tmp_path / "s.json", {"run": 1})
    before = target.read_bytes()
    with pytest.raises(TypeError):
        atomic_write_json(target, {"run": {2, 3}})  # a set is not JSON
    assert target.read_bytes() == before
    assert _names(tmp_path) == ["s.json"]


def test_failed_byte_write_keeps_the_previous_file_and_removes_its_temporary(tmp_path: Path) -> None:
    """The temporary file exists when the write itself fails (str instead of bytes): it must be deleted."""
    target = atomic_write_bytes(tmp_path / "b.bin", b"old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert _names(tmp_path) == ["b.bin"]


# -- StagedOutputs --------------------------------------------------------------------------------------------------


def test_staged_files_appear_only_on_a_clean_exit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    with StagedOutputs() as staged:
        staged.write_text(tmp_path / "a.txt", "new a")
        staged.write_bytes(tmp_path / "b.bin", b"\x01\x02")
        staged.write_json(tmp_path / "c.json", [1])
        # Inside the block the targets are untouched: a keeps its old text, b and c do not exist yet; the three
        # temporary files sit next to their targets under hidden names.
        assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"
        assert not (tmp_path / "b.bin").exists()
        assert not (tmp_path / "c.json").exists()
        hidden = [n for n in _names(tmp_path) if n.startswith(".")]
        assert len(hidden) == 3
        assert all(n.endswith(".tmp") for n in hidden)
        assert {n.split(".")[1] for n in hidden} == {"a", "b", "c"}
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "b.bin").read_bytes() == b"\x01\x02"
    assert (tmp_path / "c.json").read_text(encoding="utf-8") == "[\n  1\n]\n"
    assert _names(tmp_path) == ["a.txt", "b.bin", "c.json"]


def test_an_exception_in_the_block_writes_nothing_and_keeps_previous_outputs(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text('{"run": 1}\n', encoding="utf-8")

    def run() -> None:
        with StagedOutputs() as staged:
            staged.write_text(tmp_path / "report.html", "<html>half</html>")
            staged.write_json(tmp_path / "summary.json", {"run": 2})
            raise RuntimeError("solver crashed")

    with pytest.raises(RuntimeError, match="solver crashed"):
        run()
    assert (tmp_path / "summary.json").read_text(encoding="utf-8") == '{"run": 1}\n'
    assert _names(tmp_path) == ["summary.json"]  # no report.html, no temporary file


def test_renames_happen_in_the_order_staged(tmp_path: Path) -> None:
    """Stage first.txt, then a target that cannot be replaced (a folder), then last.txt: first.txt is renamed,
    the rename onto the folder fails, and last.txt (the "run complete" marker) is never written. Every
    temporary file is deleted afterwards."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()

    def run() -> None:
        with StagedOutputs() as staged:
            staged.write_text(tmp_path / "first.txt", "1")
            staged.write_text(blocker, "2")
            staged.write_text(tmp_path / "last.txt", "3")

    with pytest.raises(IsADirectoryError):  # os.replace(file, folder) on Linux
        run()
    assert (tmp_path / "first.txt").read_text(encoding="utf-8") == "1"
    assert not (tmp_path / "last.txt").exists()
    assert blocker.is_dir()
    assert _names(tmp_path) == ["blocker", "first.txt"]


def test_commit_returns_the_targets_in_staged_order(tmp_path: Path) -> None:
    staged = StagedOutputs()
    for name in ("z.txt", "a.txt", "m.txt"):
        staged.write_text(tmp_path / name, name)
    assert staged.commit() == [tmp_path / "z.txt", tmp_path / "a.txt", tmp_path / "m.txt"]
    assert staged.commit() == []  # nothing is staged twice
    assert _names(tmp_path) == ["a.txt", "m.txt", "z.txt"]


def test_discard_deletes_every_temporary_file(tmp_path: Path) -> None:
    staged = StagedOutputs()
    staged.write_text(tmp_path / "a.txt", "a")
    staged.write_bytes(tmp_path / "b.bin", b"b")
    assert len(_names(tmp_path)) == 2
    staged.discard()
    assert _names(tmp_path) == []
    assert staged.commit() == []


def test_path_gives_a_fresh_name_next_to_the_target_for_a_writer(tmp_path: Path) -> None:
    target = tmp_path / "new" / "plan.gpkg"
    with StagedOutputs() as staged:
        tmp = staged.path(target)
        assert target.parent.is_dir()  # created for the writer
        assert tmp.parent == target.parent
        assert not tmp.exists()  # GeoPackage writers refuse an existing (even empty) file
        assert tmp.name.startswith(".plan.gpkg.")
        assert tmp.name.endswith(".tmp.gpkg")  # keep_suffix: drivers that pick the format by suffix still work
        plain = staged.path(tmp_path / "new" / "data.csv", keep_suffix=False)
        assert plain.name.startswith(".data.csv.")
        assert plain.name.endswith(".tmp")
        assert tmp != plain
        tmp.write_bytes(b"written by the writer")
        plain.write_text("a,b\n", encoding="utf-8")
        assert not target.exists()
    assert target.read_bytes() == b"written by the writer"
    assert (tmp_path / "new" / "data.csv").read_text(encoding="utf-8") == "a,b\n"
    assert _names(target.parent) == ["data.csv", "plan.gpkg"]


def test_path_is_discarded_on_an_exception(tmp_path: Path) -> None:
    target = tmp_path / "plan.gpkg"

    def run() -> None:
        with StagedOutputs() as staged:
            staged.path(target).write_bytes(b"partial")
            raise ValueError("driver failed")

    with pytest.raises(ValueError, match="driver failed"):
        run()
    assert _names(tmp_path) == []


# -- remove_stale_temps ---------------------------------------------------------------------------------------------


def test_remove_stale_temps_removes_only_temporaries_of_the_named_outputs(tmp_path: Path) -> None:
    stale = [".summary.json.k3j2x9ab.tmp", ".plan.gpkg.q1w2e3r4.tmp.gpkg"]
    kept_files = [
        "summary.json",  # the output itself
        ".summary.json",  # hidden, but not a temporary (no random part, no .tmp)
        ".summary.json.k3j2x9ab",  # no .tmp
        "x.summary.json.k3j2x9ab.tmp",  # not hidden: not one of ours
        ".other.json.k3j2x9ab.tmp",  # a temporary of an output not named
        "summary.json.k3j2x9ab.tmp",  # no leading dot
    ]
    for n in stale + kept_files:
        (tmp_path / n).write_text("x", encoding="utf-8")
    (tmp_path / ".summary.json.dir.tmp").mkdir()  # a folder is never deleted
    gone = remove_stale_temps(tmp_path, ["summary.json", "plan.gpkg"])
    assert sorted(p.name for p in gone) == sorted(stale)
    assert all(p.parent == tmp_path for p in gone)
    assert _names(tmp_path) == sorted([*kept_files, ".summary.json.dir.tmp"])


def test_remove_stale_temps_clears_what_an_interrupted_staging_left(tmp_path: Path) -> None:
    """A run killed after staging (neither commit nor discard ran) leaves temporary files under the names
    StagedOutputs gives them; remove_stale_temps finds exactly those."""
    (tmp_path / "summary.json").write_text("previous", encoding="utf-8")
    staged = StagedOutputs()
    staged.write_json(tmp_path / "summary.json", {"run": 2})
    staged.path(tmp_path / "plan.gpkg").write_bytes(b"gpkg")
    assert len(_names(tmp_path)) == 3  # summary.json and two temporaries
    gone = remove_stale_temps(tmp_path, ("summary.json", "plan.gpkg", "map.png"))
    assert len(gone) == 2
    assert _names(tmp_path) == ["summary.json"]
    assert (tmp_path / "summary.json").read_text(encoding="utf-8") == "previous"
    assert remove_stale_temps(tmp_path, ("summary.json",)) == []  # nothing left to remove


def test_remove_stale_temps_on_an_empty_or_missing_folder(tmp_path: Path) -> None:
    assert remove_stale_temps(tmp_path, ("summary.json",)) == []
    assert remove_stale_temps(tmp_path / "missing", ("summary.json",)) == []
    assert remove_stale_temps(tmp_path, ()) == []
