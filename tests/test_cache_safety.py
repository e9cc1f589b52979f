"""The compiled-pack cache cannot run code, and a damaged or planted entry never changes a plan.

Before: an unauthenticated pickle in the user's cache directory, so a file planted there ran code in
every later careplan process. Now an entry is JSON that only builds the pack's own classes back,
read only from a private directory and a private file whose header (format, key, sha256) matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from engine.compile import cache
from engine.compile.cache import entry_file, entry_key, load_compiled, private_directory
from engine.compile.compiler import compile_pack
from engine.compile.snapshot import FORMAT, SnapshotError, decode, encode
from engine.pack.load import load_pack, pack_digest
from engine.pack.locate import default_pack_root
from tests.test_pack_safety import good_pack, patient

runner = CliRunner()


class _Plant:
    """Unpickling this creates the marker file: what an attacker's payload would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def generate(patient_file: Path, root: Path, cache_dir: Path | None) -> str:
    env = {"SOURCE_DATE_EPOCH": "1764547200"}
    env |= {"CAREPLAN_CACHE_DIR": str(cache_dir)} if cache_dir else {"CAREPLAN_NO_CACHE": "1"}
    result = runner.invoke(cli.app, ["generate", str(patient_file), "--pack", str(root), "--format", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def entry_of(root: Path, cache_dir: Path) -> Path:
    return entry_file(cache_dir, root, include_drafts=False)[0]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path, str]:
    """A small pack, a patient, an empty cache directory and the plan made without any cache."""
    root = good_pack(tmp_path / "pack")
    person = patient(tmp_path)
    return root, person, tmp_path / "cache", generate(person, root, None)


def test_a_planted_pickle_with_the_entry_name_does_not_run(setup: tuple[Path, Path, Path, str],
                                                           tmp_path: Path) -> None:
    root, person, cache_dir, fresh = setup
    marker = tmp_path / "pwned"
    cache_dir.mkdir(mode=0o700)
    digest = pack_digest(root)
    planted = [entry_of(root, cache_dir),  # today's name
               cache_dir / f"{digest.removeprefix('sha256:')[:24]}-{cache.engine_digest()}.pickle"]  # the old one
    for path in planted:
        path.write_bytes(pickle.dumps(_Plant(marker)))
        path.chmod(0o600)
    assert generate(person, root, cache_dir) == fresh
    assert not marker.exists()
    assert generate(person, root, cache_dir) == fresh  # and the rebuilt entry serves the same plan
    assert not marker.exists()


def test_a_truncated_or_damaged_entry_is_rebuilt(setup: tuple[Path, Path, Path, str]) -> None:
    root, person, cache_dir, fresh = setup
    assert generate(person, root, cache_dir) == fresh
    entry = entry_of(root, cache_dir)
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert generate(person, root, cache_dir) == fresh
    assert entry.read_bytes() == whole
    entry.write_bytes(whole.replace(b"kidney check", b"kidney CHECK"))  # damaged: the sha256 no longer matches
    assert generate(person, root, cache_dir) == fresh
    assert entry.read_bytes() == whole


def _forged(root: Path, text: str) -> bytes:
    """An entry an attacker could write: well formed, right key and checksum, a changed recommendation."""
    pack = load_pack(root)
    original = b"kidney check"
    assert len(text.encode()) == len(original)  # a pickled text carries its length
    payload = encode(pack, compile_pack(pack))
    assert original in payload
    payload = payload.replace(original, text.encode())
    header = {"format": FORMAT, "key": entry_file(Path(), root, include_drafts=False)[1],
              "sha256": hashlib.sha256(payload).hexdigest()}
    return json.dumps(header).encode() + b"\n" + payload


def test_the_forged_entry_of_the_next_tests_would_be_read_from_a_private_cache(
        setup: tuple[Path, Path, Path, str]) -> None:
    """The control for the next three tests: a forged entry in a private place is taken as the
    user's own (anyone who can write there can also change the engine's code)."""
    root, person, cache_dir, _ = setup
    cache_dir.mkdir(mode=0o700)
    entry = entry_of(root, cache_dir)
    entry.write_bytes(_forged(root, "FORGED check"))
    entry.chmod(0o600)
    assert "FORGED" in generate(person, root, cache_dir)


@pytest.mark.parametrize("how", ["group-writable directory", "world-writable directory", "world-writable entry",
                                 "entry is a link", "directory is a link"])
def test_an_entry_others_could_have_written_is_never_read(setup: tuple[Path, Path, Path, str], tmp_path: Path,
                                                          how: str) -> None:
    root, person, cache_dir, fresh = setup
    if how == "directory is a link":
        real = tmp_path / "real-cache"
        real.mkdir(mode=0o700)
        cache_dir.symlink_to(real, target_is_directory=True)
    else:
        cache_dir.mkdir(mode=0o700)
    entry = entry_of(root, cache_dir)
    forged = tmp_path / "forged.json"
    forged.write_bytes(_forged(root, "FORGED check"))
    forged.chmod(0o600)
    if how == "entry is a link":
        entry.symlink_to(forged)
    else:
        os.replace(forged, entry)
    if how == "group-writable directory":
        cache_dir.chmod(0o770)
    elif how == "world-writable directory":
        cache_dir.chmod(0o777)
    elif how == "world-writable entry":
        entry.chmod(0o666)
    assert generate(person, root, cache_dir) == fresh


def test_a_new_cache_directory_is_private(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "careplan"
    assert private_directory(directory)
    assert directory.stat().st_mode & 0o777 == 0o700
    directory.chmod(0o750)
    assert private_directory(directory)
    directory.chmod(0o770)
    assert not private_directory(directory)


class _Outside:
    """Pickles as a call of ``callee`` on ``args``: what a planted entry would ask the reader to run."""

    def __init__(self, callee: Any, *args: Any) -> None:
        self.callee, self.args = callee, args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.callee, self.args)


def test_an_entry_naming_a_class_outside_the_pack_is_refused(tmp_path: Path) -> None:
    pack = load_pack(good_pack(tmp_path / "pack"))
    compiled = compile_pack(pack)
    read_back = decode(encode(pack, compiled))  # the control: what encode wrote is read
    assert read_back == (pack, compiled)
    for data in (pickle.dumps(_Outside(os.system, "true")),
                 pickle.dumps((FORMAT, _Outside(open, str(tmp_path / "x"), "w"), compiled)),
                 pickle.dumps((FORMAT, pack, _Outside(eval, "1"))),
                 pickle.dumps((FORMAT, pack, _Outside(Path.write_text, tmp_path / "x", "y"))),
                 pickle.dumps(("another/1", pack, compiled)),
                 pickle.dumps((FORMAT, compiled, pack)),
                 encode(pack, compiled)[:-40],
                 b"not a pickle"):
        with pytest.raises(SnapshotError):
            decode(data)
    assert not (tmp_path / "x").exists()


def test_the_default_pack_comes_back_from_the_cache_equal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_CACHE_DIR", str(tmp_path / "cache"))
    written = load_compiled(default_pack_root())
    [entry] = (tmp_path / "cache").glob("*.entry")
    assert entry.stat().st_mode & 0o777 == 0o600
    read = load_compiled(default_pack_root())
    assert read == written
    assert read[0] is not written[0]  # really read back, not the same objects


def test_the_key_covers_the_drafts_setting_and_the_dependencies(monkeypatch: pytest.MonkeyPatch) -> None:
    assert entry_key("sha256:0", include_drafts=True) != entry_key("sha256:0", include_drafts=False)
    before = cache.engine_digest.__wrapped__()
    monkeypatch.setattr(metadata, "version", lambda name: "9.9.9" if name == "durable-rules" else "1")
    assert cache.engine_digest.__wrapped__() != before
