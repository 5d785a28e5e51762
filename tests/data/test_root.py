import socket
from pathlib import Path
from urllib.error import URLError

import pytest

from asnbench.data import offline_mode, resolve_data_root
from asnbench.data.download import DOWNLOAD_TIMEOUT_S, download_or_raise
from asnbench.errors import DatasetNotFoundError

OFFLINE_ENVS = ("ASNBENCH_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ASNBENCH_DATA", "XDG_CACHE_HOME", *OFFLINE_ENVS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_root_argument_wins(clean_env, tmp_path):
    clean_env.setenv("ASNBENCH_DATA", str(tmp_path / "from_env"))
    assert resolve_data_root(tmp_path / "given") == tmp_path / "given"
    assert resolve_data_root(str(tmp_path / "given")) == tmp_path / "given"


def test_root_from_env(clean_env, tmp_path):
    clean_env.setenv("ASNBENCH_DATA", str(tmp_path / "from_env"))
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert resolve_data_root() == tmp_path / "from_env"


def test_root_from_xdg_cache(clean_env, tmp_path):
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert resolve_data_root() == tmp_path / "cache" / "asnbench"


def test_root_default_home_cache(clean_env, tmp_path):
    clean_env.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_root() == tmp_path / "home" / ".cache" / "asnbench"


def test_root_empty_values_count_as_unset(clean_env, tmp_path):
    clean_env.setenv("ASNBENCH_DATA", "")
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert resolve_data_root("") == tmp_path / "cache" / "asnbench"


def test_root_expands_tilde(clean_env, tmp_path):
    clean_env.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_root("~/data") == tmp_path / "home" / "data"


def test_root_relative_made_absolute(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    root = resolve_data_root("sub/../data")
    assert root.is_absolute()
    assert root == tmp_path / "data"
    assert not root.exists()


@pytest.mark.parametrize("name", OFFLINE_ENVS)
@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on"])
def test_offline_mode_on(clean_env, name, value):
    clean_env.setenv(name, value)
    assert offline_mode() is True


@pytest.mark.parametrize("value", ["0", "false", "", "no"])
def test_offline_mode_off(clean_env, value):
    for name in OFFLINE_ENVS:
        clean_env.setenv(name, value)
    assert offline_mode() is False


def test_offline_mode_unset(clean_env):
    assert offline_mode() is False


def test_download_disabled_message(clean_env):
    def fetch():
        raise AssertionError("fetch must not run")

    with pytest.raises(DatasetNotFoundError) as caught:
        download_or_raise("Example", False, fetch, "Example files missing.")
    assert str(caught.value).startswith("Example files missing.")
    assert "download=False" in str(caught.value)


def test_download_offline_message(clean_env):
    clean_env.setenv("HF_HUB_OFFLINE", "1")

    def fetch():
        raise AssertionError("fetch must not run")

    with pytest.raises(DatasetNotFoundError, match="HF_HUB_OFFLINE=1"):
        download_or_raise("Example", True, fetch, "Example files missing.")


def test_download_sets_and_restores_timeout(clean_env):
    seen = []
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(None)
    try:
        download_or_raise("Example", True, lambda: seen.append(socket.getdefaulttimeout()), "unused")
        assert seen == [DOWNLOAD_TIMEOUT_S]
        assert socket.getdefaulttimeout() is None
    finally:
        socket.setdefaulttimeout(previous)


@pytest.mark.parametrize(
    "error",
    [URLError("no route to host"), RuntimeError("checksum mismatch"), TimeoutError("timed out")],
)
def test_download_failure_converted(clean_env, error):
    def fetch():
        raise error

    previous = socket.getdefaulttimeout()
    with pytest.raises(DatasetNotFoundError) as caught:
        download_or_raise("Example", True, fetch, "Example files missing.")
    message = str(caught.value)
    assert message.startswith("Example files missing.")
    assert "download failed" in message
    assert str(error.args[0]) in message
    assert socket.getdefaulttimeout() == previous


def test_root_returns_path_type(clean_env, tmp_path):
    assert isinstance(resolve_data_root(str(tmp_path)), Path)
