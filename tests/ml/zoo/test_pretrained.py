"""torchaudio's public models: listed without torch, downloaded atomically, loaded safely.

No test here touches the network: downloads run against file:// URLs, a fake
server function, a refused local port, or a resolver that fails as it does
offline.
"""

import functools
import io
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import torch
import torchaudio

from workbench.core.jobs import Cancelled, CancelToken, Progress, run_to_completion
from workbench.core.paths import REPO_ROOT
from workbench.ml.errors import (
    ModelDownloadError,
    ModelLoadError,
    PretrainedNotDownloadedError,
    UnknownModelError,
)
from workbench.ml.zoo.pretrained import (
    download_file,
    download_pretrained,
    list_pretrained,
    load_pretrained,
    pretrained_info,
)

NAMES = ["EMFORMER_RNNT_BASE_LIBRISPEECH", "WAV2VEC2_ASR_BASE_960H",
         "CONVTASNET_BASE_LIBRI2MIX", "SQUIM_OBJECTIVE"]


def _files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_listing_shows_the_four_bundles_not_yet_cached(_isolated_torch_home):
    infos = list_pretrained()

    assert [i.name for i in infos] == NAMES
    assert {i.task for i in infos} == {"speech-recognition", "source-separation",
                                       "speech-quality"}
    assert all(i.url.startswith("https://download.pytorch.org/torchaudio/models/") for i in infos)
    assert all(i.cache_path.is_relative_to(_isolated_torch_home / "hub") for i in infos)
    assert not any(i.cached for i in infos)


def test_listing_does_not_import_torch(_isolated_torch_home):
    script = ("import sys\n"
              "from workbench.ml.zoo.pretrained import list_pretrained\n"
              "print(len(list_pretrained()), 'torch' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True, env={**os.environ})

    assert done.stdout.split() == ["4", "False"]


def test_urls_and_cache_places_are_the_ones_torchaudio_uses(_isolated_torch_home):
    from torchaudio.utils.download import _get_local_path

    pipelines = torchaudio.pipelines
    asset_keys = {
        "EMFORMER_RNNT_BASE_LIBRISPEECH": pipelines.EMFORMER_RNNT_BASE_LIBRISPEECH._rnnt_path,
        "CONVTASNET_BASE_LIBRI2MIX": pipelines.CONVTASNET_BASE_LIBRI2MIX._model_path,
        "SQUIM_OBJECTIVE": "models/" + pipelines.SQUIM_OBJECTIVE._path,
    }
    for name, key in asset_keys.items():
        info = pretrained_info(name)
        assert info.url == f"https://download.pytorch.org/torchaudio/{key}"
        assert info.cache_path == _get_local_path(key)
    rnnt = pipelines.EMFORMER_RNNT_BASE_LIBRISPEECH
    assert pretrained_info("EMFORMER_RNNT_BASE_LIBRISPEECH").asset_paths == (
        _get_local_path(rnnt._global_stats_path), _get_local_path(rnnt._sp_model_path))
    # wav2vec2 goes through torch.hub.load_state_dict_from_url: <hub>/checkpoints/<file name>
    wav2vec2 = pretrained_info("WAV2VEC2_ASR_BASE_960H")
    file_name = pipelines.WAV2VEC2_ASR_BASE_960H._path
    assert wav2vec2.url == f"https://download.pytorch.org/torchaudio/models/{file_name}"
    assert wav2vec2.cache_path == Path(torch.hub.get_dir()) / "checkpoints" / file_name


def _bundle_architecture(name):
    """The architecture built the way torchaudio's bundle builds it (not via our code)."""
    pipelines = torchaudio.pipelines
    if name == "WAV2VEC2_ASR_BASE_960H":
        from torchaudio.pipelines._wav2vec2.utils import _get_model

        bundle = pipelines.WAV2VEC2_ASR_BASE_960H
        return _get_model(bundle._model_type, bundle._params)
    if name == "EMFORMER_RNNT_BASE_LIBRISPEECH":
        return pipelines.EMFORMER_RNNT_BASE_LIBRISPEECH._rnnt_factory_func()
    if name == "CONVTASNET_BASE_LIBRI2MIX":
        return pipelines.CONVTASNET_BASE_LIBRI2MIX._model_factory_func()
    return torchaudio.models.squim_objective_base()


def _checkpoint_for(name):
    """A state_dict with the bundle architecture's keys, shapes and dtypes.

    The architecture is built on the meta device (no memory, no random init)
    and every tensor gets its own constant, so a mix-up of keys would show.
    """
    with torch.device("meta"):
        layout = _bundle_architecture(name).state_dict()
    return {key: torch.full(t.shape, (i % 251 + 1) / 64, dtype=t.dtype)
            for i, (key, t) in enumerate(layout.items())}


def _as_published(name, state):
    """Published wav2vec2 ASR checkpoints carry 3 extra (unused) rows in the CTC head."""
    if name != "WAV2VEC2_ASR_BASE_960H":
        return state
    published = dict(state)
    for key in ("aux.weight", "aux.bias"):
        rows = state[key]
        published[key] = torch.cat([rows[:1], torch.randn_like(rows[:3]), rows[1:]])
    return published


@pytest.mark.parametrize("name", NAMES)
def test_a_cached_checkpoint_is_found_and_loaded(name):
    info = pretrained_info(name)
    expected = _checkpoint_for(name)
    info.cache_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(_as_published(name, expected), info.cache_path)

    model = load_pretrained(name, "cpu")

    loaded = model.state_dict()
    assert loaded.keys() == expected.keys()
    assert all(torch.equal(loaded[k], expected[k]) for k in expected)
    assert not model.training
    assert pretrained_info(name).cached == (name != "EMFORMER_RNNT_BASE_LIBRISPEECH")
    info.cache_path.unlink()  # hundreds of MB for the big two: free the disk now


def test_torchaudio_itself_uses_a_checkpoint_we_placed(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("torchaudio tried to download: the cache places differ")

    monkeypatch.setattr(torchaudio.utils.download, "_download", no_network)
    info = pretrained_info("SQUIM_OBJECTIVE")
    expected = torchaudio.models.squim_objective_base().state_dict()
    info.cache_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(expected, info.cache_path)

    model = torchaudio.pipelines.SQUIM_OBJECTIVE.get_model()

    assert all(torch.equal(model.state_dict()[k], expected[k]) for k in expected)


def test_loading_before_downloading_is_a_distinct_error():
    with pytest.raises(PretrainedNotDownloadedError) as caught:
        load_pretrained("CONVTASNET_BASE_LIBRI2MIX")

    assert isinstance(caught.value, ModelLoadError)
    assert caught.value.path == pretrained_info("CONVTASNET_BASE_LIBRI2MIX").cache_path


def test_a_hostile_cached_checkpoint_is_refused(hostile_pickle_bytes, canary):
    path = pretrained_info("SQUIM_OBJECTIVE").cache_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hostile_pickle_bytes)

    with pytest.raises(ModelLoadError) as caught:
        load_pretrained("SQUIM_OBJECTIVE")

    assert caught.value.path == path and "pickle" in caught.value.reason
    assert not canary.exists()


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownModelError) as caught:
        load_pretrained("WHISPER")
    assert caught.value.known == tuple(NAMES)


def test_offline_download_is_a_clear_error_and_leaves_no_file(monkeypatch, _isolated_torch_home):
    def offline_resolver(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline_resolver)
    task = functools.partial(download_pretrained, "SQUIM_OBJECTIVE", timeout=2.0)

    with pytest.raises(ModelDownloadError) as caught:
        run_to_completion(task)

    assert caught.value.reason.startswith("offline: cannot reach download.pytorch.org")
    assert caught.value.url == pretrained_info("SQUIM_OBJECTIVE").url
    assert _files_under(_isolated_torch_home) == []


def test_a_refused_connection_is_reported_as_offline(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(ModelDownloadError, match="offline: cannot reach 127.0.0.1"):
        run_to_completion(functools.partial(
            download_file, f"http://127.0.0.1:{port}/model.pt", tmp_path / "m.pt", timeout=2.0))
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def source_file(tmp_path):
    path = tmp_path / "source" / "weights.bin"
    path.parent.mkdir()
    path.write_bytes(os.urandom(100_000))
    return path


def test_download_streams_in_chunks_and_appears_only_when_complete(source_file, tmp_path):
    target = tmp_path / "cache" / "weights.bin"
    steps = download_file(source_file.as_uri(), target, CancelToken(), chunk_bytes=16_384)

    first = next(steps)
    assert not target.exists() and len(list(target.parent.iterdir())) == 1  # the partial file
    rest = []
    with pytest.raises(StopIteration) as finished:
        while True:
            rest.append(next(steps))

    fractions = [p.fraction for p in [first, *rest]]
    assert len(fractions) == 7 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert finished.value.value == target
    assert target.read_bytes() == source_file.read_bytes()
    assert list(target.parent.iterdir()) == [target]


def test_a_cancelled_download_leaves_nothing(source_file, tmp_path):
    target = tmp_path / "cache" / "weights.bin"
    cancel = CancelToken()
    steps = download_file(source_file.as_uri(), target, cancel, chunk_bytes=16_384)
    next(steps)

    cancel.set()
    with pytest.raises(Cancelled):
        next(steps)

    assert list(target.parent.iterdir()) == []


class _FakeResponse(io.BytesIO):
    def __init__(self, data, claimed_length=None):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data) if claimed_length is None
                                              else claimed_length)}


def test_a_transfer_that_stops_short_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout: _FakeResponse(b"x" * 1000, claimed_length=5000))

    with pytest.raises(ModelDownloadError, match="after 1000 of 5000 bytes"):
        run_to_completion(functools.partial(download_file, "https://example.org/m.pt",
                                            tmp_path / "m.pt"))
    assert list(tmp_path.iterdir()) == []


def test_download_fetches_only_the_missing_files(monkeypatch):
    requested = []

    def fake_server(url, timeout):
        requested.append(url.rsplit("/", 1)[-1])
        return _FakeResponse(b"%s" % url.encode())

    monkeypatch.setattr(urllib.request, "urlopen", fake_server)
    info = pretrained_info("EMFORMER_RNNT_BASE_LIBRISPEECH")
    info.cache_path.parent.mkdir(parents=True)
    info.cache_path.write_bytes(b"already here")
    progress = []

    result = run_to_completion(
        functools.partial(download_pretrained, "EMFORMER_RNNT_BASE_LIBRISPEECH"),
        on_progress=progress.append)

    assert requested == ["global_stats_rnnt_librispeech.json", "spm_bpe_4096_librispeech.model"]
    assert result.cached and info.cache_path.read_bytes() == b"already here"
    assert info.asset_paths[1].read_bytes().endswith(b"spm_bpe_4096_librispeech.model")
    assert [p.fraction for p in progress] == [0.5, 1.0, 1.0]
    assert all(isinstance(p, Progress) and p.message for p in progress)
