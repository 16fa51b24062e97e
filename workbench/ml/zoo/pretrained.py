"""Public pretrained models from torchaudio's pipelines, as downloadable entries.

Each entry mirrors one torchaudio bundle: the same download URL and the same
place in torch's hub cache (``$TORCH_HOME/hub``) that the bundle itself
uses, so a checkpoint torchaudio already downloaded is found here, and one
downloaded here is found by torchaudio.

* WAV2VEC2_ASR_BASE_960H fetches with torch.hub.load_state_dict_from_url,
  which caches in ``<hub>/checkpoints/<file name>``;
* the other bundles fetch with torchaudio.utils._download_asset, which caches
  in ``<hub>/torchaudio/<key>`` for the key ``models/<file name>``.

Listing needs no torch.  Downloading streams in chunks to a temporary file
next to the target, checks cancellation between chunks, and renames into
place only when the whole file arrived.  Loading builds the architecture with
torchaudio's own factory and reads the cached checkpoint with safe_load
(``torch.load(weights_only=True)``, strict key/shape/dtype/finite checks).
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.jobs import CancelToken, Progress
from workbench.ml.errors import (
    ModelDownloadError,
    ModelLoadError,
    PretrainedNotDownloadedError,
    UnknownModelError,
)
from workbench.ml.zoo.pretrained_shapes import (
    conv_tasnet_for,
    emformer_rnnt_for,
    squim_objective_for,
)

if TYPE_CHECKING:
    import torch
    from torch import Tensor, nn

_BASE_URL = "https://download.pytorch.org/torchaudio/"
DOWNLOAD_TIMEOUT_S = 15.0
_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class _RemoteFile:
    url: str
    cache_key: str  # path below torch's hub directory


@dataclass(frozen=True)
class _Bundle:
    name: str
    task: str
    sample_rate: int
    description: str
    checkpoint: _RemoteFile
    assets: tuple[_RemoteFile, ...]  # companions the bundle's feature/token steps read
    build: Callable[[], nn.Module]
    fix_state_dict: Callable[[dict[str, Tensor]], None] | None = None
    # Builds the architecture at the checkpoint's own sizes (pretrained_shapes.py).
    build_for: Callable[[dict[str, Tensor]], nn.Module] | None = None


@dataclass(frozen=True)
class PretrainedInfo:
    """A public pretrained model as the model manager shows it.

    `cache_path` is where the checkpoint lives once downloaded; `asset_paths`
    are companion files some pipelines need (feature statistics, tokenizer);
    `cached` is True when all of them are present.
    """

    name: str
    task: str
    url: str
    cache_path: Path
    cached: bool
    sample_rate: int
    description: str
    asset_paths: tuple[Path, ...] = ()


def torch_hub_dir() -> Path:
    """torch's hub cache directory, computed as torch.hub.get_dir() does, without torch.

    When torch is already imported its answer is used, so torch.hub.set_dir()
    is honoured.
    """
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "hub"):
        return Path(torch.hub.get_dir())
    xdg_cache = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    torch_home = os.getenv("TORCH_HOME", os.path.join(xdg_cache, "torch"))
    return Path(os.path.expanduser(torch_home)) / "hub"


def list_pretrained() -> list[PretrainedInfo]:
    """The downloadable public models, each marked cached or not.  Imports no torch."""
    hub = torch_hub_dir()
    return [_info(bundle, hub) for bundle in _BUNDLES.values()]


def pretrained_info(name: str) -> PretrainedInfo:
    """The entry for `name` (UnknownModelError if there is none)."""
    return _info(_bundle(name), torch_hub_dir())


def downloaded_info(name: str) -> PretrainedInfo:
    """The entry for `name` once its checkpoint and companion files are all in the
    cache; PretrainedNotDownloadedError naming the first missing file otherwise."""
    info = pretrained_info(name)
    for path in (info.cache_path, *info.asset_paths):
        if not path.is_file():
            raise PretrainedNotDownloadedError(path, f"{name} is not downloaded yet ({path.name}"
                                                     f" is missing); download it in the "
                                                     f"model manager ({info.url})")
    return info


def download_pretrained(name: str, cancel: CancelToken, *, timeout: float = DOWNLOAD_TIMEOUT_S
                        ) -> Generator[Progress, None, PretrainedInfo]:
    """Task: download every missing file of `name` into torch's hub cache.

    Yields Progress; returns the refreshed PretrainedInfo.  Raises Cancelled
    when `cancel` is set (no partial file is left), ModelDownloadError when
    the server cannot be reached within `timeout` seconds or the transfer
    breaks off.
    """
    bundle = _bundle(name)
    hub = torch_hub_dir()
    files = [f for f in (bundle.checkpoint, *bundle.assets) if not (hub / f.cache_key).is_file()]
    for index, remote in enumerate(files):
        # Each file gets an equal share of the bar: sizes are known only once each starts.
        for step in download_file(remote.url, hub / remote.cache_key, cancel, timeout=timeout):
            share = None if step.fraction is None else (index + step.fraction) / len(files)
            yield Progress(share, step.message)
    yield Progress(1.0, f"{name} is downloaded")
    return _info(bundle, hub)


def download_file(url: str, destination: Path, cancel: CancelToken, *,
                  timeout: float = DOWNLOAD_TIMEOUT_S, chunk_bytes: int = _CHUNK_BYTES
                  ) -> Generator[Progress, None, Path]:
    """Task: stream `url` to `destination` in chunks; the file appears only when complete.

    Writes to a temporary file in the destination's folder and renames it
    atomically at the end, so an interrupted or cancelled download never
    leaves a file that looks finished.
    """
    cancel.check()
    host = urllib.parse.urlsplit(url).hostname or url
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial",
                                    dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as out, _open(url, host, timeout) as response:
            total = _content_length(response)
            received = 0
            while chunk := _read(response, chunk_bytes, url, host):
                cancel.check()
                out.write(chunk)
                received += len(chunk)
                yield Progress(min(1.0, received / total) if total else None,
                               f"Downloading {destination.name}: {_megabytes(received, total)}")
            if total is not None and received != total:
                raise ModelDownloadError(url, f"{host} closed the connection after {received} "
                                              f"of {total} bytes")
            out.flush()
            os.fsync(out.fileno())
        cancel.check()
        os.replace(tmp_name, destination)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return destination


def load_pretrained(name: str, device: torch.device | str = "cpu") -> nn.Module:
    """Build `name`'s architecture with torchaudio's factory and load its cached checkpoint.

    Returns the model in eval mode on `device`.  Raises
    PretrainedNotDownloadedError when the checkpoint is not in the cache yet,
    ModelLoadError (naming the file) when it is unusable.
    """
    from workbench.ml.zoo.safe_load import apply_state_dict, load_state_dict_file

    bundle = _bundle(name)
    path = torch_hub_dir() / bundle.checkpoint.cache_key
    if not path.is_file():
        raise PretrainedNotDownloadedError(path, f"{name} is not downloaded yet; download it "
                                                 f"from {bundle.checkpoint.url} first")
    state_dict = load_state_dict_file(path)
    if bundle.fix_state_dict is not None:
        bundle.fix_state_dict(state_dict)
    model = apply_state_dict(_architecture_for(bundle, state_dict, path), state_dict, path)
    return model.eval().to(device)


def _architecture_for(bundle: _Bundle, state_dict: dict[str, Tensor], path: Path) -> nn.Module:
    if bundle.build_for is None:
        return bundle.build()
    try:
        return bundle.build_for(state_dict)
    except (KeyError, IndexError, ValueError, ZeroDivisionError, AssertionError) as exc:
        raise ModelLoadError(path, f"not a {bundle.name} checkpoint: {exc}") from exc


def _info(bundle: _Bundle, hub: Path) -> PretrainedInfo:
    cache_path = hub / bundle.checkpoint.cache_key
    asset_paths = tuple(hub / a.cache_key for a in bundle.assets)
    cached = all(p.is_file() for p in (cache_path, *asset_paths))
    return PretrainedInfo(bundle.name, bundle.task, bundle.checkpoint.url, cache_path, cached,
                          bundle.sample_rate, bundle.description, asset_paths)


def _bundle(name: str) -> _Bundle:
    try:
        return _BUNDLES[name]
    except KeyError:
        raise UnknownModelError(name, tuple(_BUNDLES)) from None


def _open(url: str, host: str, timeout: float):
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise ModelDownloadError(url, f"{host} answered HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise ModelDownloadError(url, f"offline: cannot reach {host} ({e.reason})") from e
    except (TimeoutError, OSError) as e:
        raise ModelDownloadError(url, f"offline: cannot reach {host} ({e})") from e


def _read(response, size: int, url: str, host: str) -> bytes:
    try:
        return response.read(size)
    except (TimeoutError, OSError) as e:
        raise ModelDownloadError(url, f"the download from {host} broke off ({e})") from e


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _megabytes(received: int, total: int | None) -> str:
    done = f"{received / 1e6:.1f}"
    return f"{done} of {total / 1e6:.1f} MB" if total else f"{done} MB"


def _remove_wav2vec2_aux_rows(state_dict: dict[str, Tensor]) -> None:
    # fairseq's ASR head has 32 outputs; rows 1-3 are unused dictionary symbols
    # (<pad>, </s>, <unk>) that torchaudio's bundle drops to get its 29 labels.
    import torch

    for key in ("aux.weight", "aux.bias"):
        matrix = state_dict.get(key)
        if matrix is not None and matrix.shape[0] == 32:
            state_dict[key] = torch.cat([matrix[:1], matrix[4:]])


def _build_wav2vec2_asr_base() -> nn.Module:
    from torchaudio.models import wav2vec2_base

    # Dropout values as in the bundle; they only matter when training.
    return wav2vec2_base(encoder_projection_dropout=0.1, encoder_attention_dropout=0.1,
                         encoder_ff_interm_dropout=0.0, encoder_dropout=0.1,
                         encoder_layer_drop=0.05, aux_num_out=29)


def _build_emformer_rnnt_base() -> nn.Module:
    from torchaudio.models import emformer_rnnt_base

    return emformer_rnnt_base(num_symbols=4097)


def _build_conv_tasnet_base() -> nn.Module:
    from torchaudio.models import conv_tasnet_base

    return conv_tasnet_base(num_sources=2)


def _build_squim_objective_base() -> nn.Module:
    from torchaudio.models import squim_objective_base

    return squim_objective_base()


def _asset(key: str) -> _RemoteFile:
    return _RemoteFile(_BASE_URL + key, f"torchaudio/{key}")


_BUNDLES: dict[str, _Bundle] = {b.name: b for b in (
    _Bundle("EMFORMER_RNNT_BASE_LIBRISPEECH", "speech-recognition", 16000,
            "Streaming Emformer RNN-T recogniser trained on LibriSpeech (English).",
            _asset("models/emformer_rnnt_base_librispeech.pt"),
            (_asset("pipeline-assets/global_stats_rnnt_librispeech.json"),
             _asset("pipeline-assets/spm_bpe_4096_librispeech.model")),
            _build_emformer_rnnt_base, build_for=emformer_rnnt_for),
    _Bundle("WAV2VEC2_ASR_BASE_960H", "speech-recognition", 16000,
            "wav2vec 2.0 base fine-tuned for English character CTC on 960 h of LibriSpeech.",
            _RemoteFile(_BASE_URL + "models/wav2vec2_fairseq_base_ls960_asr_ls960.pth",
                        "checkpoints/wav2vec2_fairseq_base_ls960_asr_ls960.pth"),
            (), _build_wav2vec2_asr_base, _remove_wav2vec2_aux_rows),
    _Bundle("CONVTASNET_BASE_LIBRI2MIX", "source-separation", 8000,
            "Conv-TasNet separating two speakers, trained on Libri2Mix at 8 kHz.",
            _asset("models/conv_tasnet_base_libri2mix.pt"), (), _build_conv_tasnet_base,
            build_for=conv_tasnet_for),
    _Bundle("SQUIM_OBJECTIVE", "speech-quality", 16000,
            "TorchAudio-Squim: estimates STOI, PESQ and SI-SDR without a clean reference.",
            _asset("models/squim_objective_dns2020.pth"), (), _build_squim_objective_base,
            build_for=squim_objective_for),
)}
