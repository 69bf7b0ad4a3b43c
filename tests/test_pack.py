"""Packs: many small cache entries written as one, each found only under its own inputs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_sra.loading.cache import CACHE_DIR, Cache, Key
from hipaa_sra.loading.pack import _MINIMUM_KEPT, Pack


def _key(cache: Cache, n: int) -> Key:
    return cache.key(str(n).encode(), f"register/{n}.yaml", "lint-file")


def _files(root: Path) -> list[Path]:
    return [p for p in (root / CACHE_DIR).rglob("*") if p.is_file() and p.name != ".gitignore"]


def test_members_are_one_entry_found_under_their_own_inputs(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    pack = Pack(cache, "lint-file")
    for n in range(300):
        pack.put(_key(cache, n), (n, f"finding {n}"))
    pack.store()
    assert len(_files(tmp_path)) == 1
    again = Pack(cache, "lint-file")
    assert again.get(_key(cache, 7)) == (7, "finding 7")
    # The same name and bytes with other contents, or another pack's name: no member.
    assert again.get(cache.key(b"8", "register/7.yaml", "lint-file")) is None
    assert Pack(cache, "positions").get(_key(cache, 7)) is None


def _filled(cache: Cache, members: range, name: str = "lint-file") -> None:
    pack = Pack(cache, name)
    for n in members:
        pack.put(_key(cache, n), n)
    pack.store()


def test_a_run_that_only_reads_writes_nothing(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _filled(cache, range(20), "positions")
    (entry,) = _files(tmp_path)
    before = entry.stat().st_mtime_ns
    reader = Pack(cache, "positions")
    assert reader.get(_key(cache, 1)) == 1
    reader.store()
    assert entry.stat().st_mtime_ns == before


def test_a_few_new_members_are_stored_alone_and_the_pack_left_as_it_was(
    tmp_path: Path,
) -> None:
    cache = Cache(tmp_path)
    _filled(cache, range(100))
    (pack_entry,) = _files(tmp_path)
    packed = pack_entry.read_bytes()
    edit = Pack(cache, "lint-file")
    assert edit.get(_key(cache, 5)) == 5
    edit.put(_key(cache, 1000), 1000)  # one file changed
    edit.store()
    assert pack_entry.read_bytes() == packed
    assert len(_files(tmp_path)) == 2
    after = Pack(cache, "lint-file")
    assert (after.get(_key(cache, 1000)), after.get(_key(cache, 5))) == (1000, 5)
    assert _key(cache, 1000).inputs not in after.held()


def test_earlier_members_are_kept_newest_first_up_to_as_many_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    for members in (range(0, 100), range(100, 200), range(200, 300)):
        _filled(cache, members)
    held = Pack(cache, "lint-file").held()
    # The last run's hundred and the hundred before them; the first run's are gone.
    assert held == {_key(cache, n).inputs for n in range(100, 300)}


def test_a_small_run_keeps_a_minimum_of_earlier_members(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _filled(cache, range(_MINIMUM_KEPT + 10))
    _filled(cache, range(1000, 1010))
    assert len(Pack(cache, "lint-file").held()) == 10 + _MINIMUM_KEPT


def test_a_damaged_or_foreign_pack_is_empty(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _filled(cache, range(20))
    (entry,) = _files(tmp_path)
    entry.write_bytes(entry.read_bytes()[:-3])  # torn
    assert Pack(cache, "lint-file").get(_key(cache, 1)) is None
    # A value of another shape under the pack's key: no member either.
    cache.put(cache.key_of((b"lint-file",), "pack"), ["not", "a", "pack"])
    assert Pack(cache, "lint-file").held() == frozenset()


def test_a_disabled_cache_holds_no_pack(tmp_path: Path) -> None:
    cache = Cache(tmp_path, enabled=False)
    pack = Pack(cache, "lint-file")
    pack.put(_key(cache, 1), 1)
    pack.store()
    assert not (tmp_path / CACHE_DIR).exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 150), max_size=80), min_size=1, max_size=5))
def test_what_a_run_stored_is_found_by_the_next(runs: list[list[int]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        cache = Cache(Path(directory))
        for members in runs:
            pack = Pack(cache, "lint-file")
            for n in members:
                pack.put(_key(cache, n), n)
            pack.store()
            reader = Pack(cache, "lint-file")
            assert all(reader.get(_key(cache, n)) == n for n in members)
            touched = len(set(members))
            assert len(reader.held()) <= touched + max(touched, _MINIMUM_KEPT)
