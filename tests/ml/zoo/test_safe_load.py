"""Weights load only as tensors, only when they fit, and a bad file changes nothing."""

import copy
import json
import pickle
import struct
import warnings
import zipfile

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from tests.ml.payloads import CanaryPayload
from tests.ml.tiny_nets import TinyNet, outputs, same_weights, trained_tiny_net
from workbench.ml.errors import ModelLoadError
from workbench.ml.zoo.safe_load import (
    load_state_dict_file,
    load_weights_into,
    save_safetensors,
)


def _good_state():
    return {k: v.clone() for k, v in trained_tiny_net(seed=1).state_dict().items()}


def _good_safetensors_bytes(tmp_path):
    path = save_safetensors(trained_tiny_net(seed=1), tmp_path / "good.safetensors")
    return path.read_bytes()


def _with_header(data, edit):
    """Rewrite a safetensors file's JSON header with `edit(header)`, keeping the tensor bytes."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    edit(header)
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data[8 + length:]


def _write(path, data):
    path.write_bytes(data)
    return path


def _safetensors_with(tmp_path, name, change):
    state = _good_state()
    change(state)
    save_file(state, str(tmp_path / name))
    return tmp_path / name


def _torch_save(tmp_path, name, obj, **kwargs):
    torch.save(obj, tmp_path / name, **kwargs)
    return tmp_path / name


def _zip_without_checkpoint(tmp_path):
    path = tmp_path / "notes.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes/readme.txt", "not a checkpoint")
    return path


def _torchscript_archive(tmp_path):
    path = tmp_path / "scripted.pt"
    with warnings.catch_warnings():  # torch deprecates scripting, yet users still have such files
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(TinyNet().eval()).save(str(path))
    return path


def _rename_key(state):
    state["input.weight"] = state.pop("inp.weight")


def _poison(value):
    def change(state):
        state["out.weight"][0, 0] = value
    return change


# name -> (builder(tmp_path, hostile_pickle_bytes, canary) -> path, words the reason must hold)
HOSTILE_FILES = {
    "raw pickle": (lambda t, evil, c: _write(t / "model.pkl", evil), "plain Python pickle"),
    "raw pickle named .pt": (lambda t, evil, c: _write(t / "model.pt", evil),
                             "plain Python pickle"),
    "pickle payload in a torch zip": (
        lambda t, evil, c: _torch_save(t, "model.pt", {**_good_state(), "x": CanaryPayload(c)}),
        "Python objects other than tensors"),
    "pickle payload in a legacy torch file": (
        lambda t, evil, c: _torch_save(t, "old.pth", {"x": CanaryPayload(c)},
                                       _use_new_zipfile_serialization=False),
        "Python objects other than tensors"),
    "truncated torch checkpoint": (
        lambda t, evil, c: _write(t / "cut.pt", _torch_save(t, "full.pt", _good_state())
                                  .read_bytes()[:-300]),
        "damaged"),
    "TorchScript archive": (lambda t, evil, c: _torchscript_archive(t), "TorchScript"),
    "zip that is no checkpoint": (lambda t, evil, c: _zip_without_checkpoint(t),
                                  "not a PyTorch checkpoint"),
    "truncated safetensors": (
        lambda t, evil, c: _write(t / "cut.safetensors", _good_safetensors_bytes(t)[:-10]),
        "damaged safetensors"),
    "safetensors header lies about a shape": (
        lambda t, evil, c: _write(t / "lie.safetensors", _with_header(
            _good_safetensors_bytes(t), lambda h: h["inp.weight"].update(shape=[40, 4]))),
        "damaged safetensors"),
    "safetensors header lies about offsets": (
        lambda t, evil, c: _write(t / "lie.safetensors", _with_header(
            _good_safetensors_bytes(t),
            lambda h: h["inp.weight"].update(data_offsets=[0, 1 << 40]))),
        "damaged safetensors"),
    "safetensors header longer than the file": (
        lambda t, evil, c: _write(t / "huge.safetensors", struct.pack("<Q", 1 << 40) + b"{}"),
        "header claims"),
    "wrong shape": (lambda t, evil, c: _safetensors_with(
        t, "shape.safetensors", lambda s: s.update({"inp.weight": torch.zeros(5, 4)})),
        "has shape (5, 4) in the file but the model expects (3, 4)"),
    "wrong keys": (lambda t, evil, c: _safetensors_with(t, "keys.safetensors", _rename_key),
                   "missing keys: 'inp.weight'; unexpected keys: 'input.weight'"),
    "NaN weight": (lambda t, evil, c: _safetensors_with(t, "nan.safetensors",
                                                        _poison(float("nan"))), "NaN or infinite"),
    "Inf weight": (lambda t, evil, c: _safetensors_with(t, "inf.safetensors",
                                                        _poison(float("inf"))), "NaN or infinite"),
    "wrong dtype": (lambda t, evil, c: _safetensors_with(
        t, "f64.safetensors", lambda s: s.update({"out.bias": s["out.bias"].double()})),
        "dtype float64 in the file but the model expects float32"),
    "non-tensor value": (
        lambda t, evil, c: _torch_save(t, "extra.pt", {**_good_state(), "epoch": 3}),
        "holds a int"),
    "not a state_dict": (lambda t, evil, c: _torch_save(t, "list.pt", [torch.zeros(2)]),
                         "found a list"),
    "unknown format": (lambda t, evil, c: _write(t / "noise.bin", bytes(range(256)) * 4),
                       "unrecognised format"),
    "empty file": (lambda t, evil, c: _write(t / "empty.safetensors", b""), "empty"),
    "directory": (lambda t, evil, c: (t / "folder.pt").mkdir() or t / "folder.pt",
                  "directory"),
    "missing file": (lambda t, evil, c: t / "absent.safetensors", "does not exist"),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_bad_file_is_refused_and_changes_nothing(case, tmp_path, hostile_pickle_bytes, canary):
    in_use = load_weights_into(TinyNet().eval(),
                               save_safetensors(trained_tiny_net(seed=2), tmp_path / "in_use.st"))
    expected = outputs(in_use)
    build, words = HOSTILE_FILES[case]
    bad_path = build(tmp_path, hostile_pickle_bytes, canary)
    fresh = TinyNet().eval()
    fresh_before = copy.deepcopy(fresh)

    with pytest.raises(ModelLoadError) as caught:
        load_weights_into(fresh, bad_path)

    assert caught.value.path == bad_path
    assert words in caught.value.reason
    assert str(bad_path) in str(caught.value)
    assert same_weights(fresh, fresh_before)
    assert torch.equal(outputs(in_use), expected)
    assert not canary.exists()


def test_the_payloads_would_run_code_if_loaded_unsafely(tmp_path):
    """Guards the hostile-file test: its payloads really are live."""
    raw_canary, zip_canary = tmp_path / "raw-canary", tmp_path / "zip-canary"
    pickle.loads(pickle.dumps(CanaryPayload(raw_canary)))
    torch.save({"x": CanaryPayload(zip_canary)}, tmp_path / "evil.pt")
    torch.load(tmp_path / "evil.pt", weights_only=False)  # what load_weights_into must never do

    assert raw_canary.exists() and zip_canary.exists()


def test_safetensors_round_trip_gives_the_same_outputs_and_metadata(tmp_path):
    trained = trained_tiny_net(seed=3)
    path = save_safetensors(trained, tmp_path / "sub" / "tiny.safetensors",
                            metadata={"task": "test", "sample_rate": "16000"})

    loaded = load_weights_into(TinyNet().eval(), path)

    assert torch.equal(outputs(loaded), outputs(trained))
    assert loaded.norm.num_batches_tracked.item() == 7
    with safe_open(str(path), framework="pt") as f:
        assert f.metadata() == {"task": "test", "sample_rate": "16000"}
    assert [p.name for p in path.parent.iterdir()] == ["tiny.safetensors"]  # no temp files left


def test_format_is_recognised_by_content_not_extension(tmp_path):
    trained = trained_tiny_net(seed=4)
    torch_file = tmp_path / "weights.safetensors"
    torch.save(trained.state_dict(), torch_file)
    safetensors_file = save_safetensors(trained, tmp_path / "weights.pt")
    legacy_file = tmp_path / "weights.bin"
    torch.save(trained.state_dict(), legacy_file, _use_new_zipfile_serialization=False)

    for path in (torch_file, safetensors_file, legacy_file):
        assert torch.equal(outputs(load_weights_into(TinyNet().eval(), path)), outputs(trained))


def test_non_strict_load_tolerates_missing_keys_but_not_bad_shapes(tmp_path):
    state = _good_state()
    del state["out.bias"]
    partial = tmp_path / "partial.safetensors"
    save_file(state, str(partial))
    net = TinyNet().eval()
    bias_before = net.out.bias.clone()

    load_weights_into(net, partial, strict=False)

    assert torch.equal(net.out.weight, state["out.weight"])
    assert torch.equal(net.out.bias, bias_before)
    state["inp.weight"] = torch.zeros(3, 5)
    save_file(state, str(partial))
    with pytest.raises(ModelLoadError, match="has shape"):
        load_weights_into(TinyNet().eval(), partial, strict=False)


def test_tied_weights_save_and_load_strictly(tmp_path):
    net = nn.Sequential(nn.Embedding(6, 3), nn.Linear(3, 6, bias=False))
    net[1].weight = net[0].weight  # tied, as in many language-model heads

    path = save_safetensors(net, tmp_path / "tied.safetensors")
    fresh = nn.Sequential(nn.Embedding(6, 3), nn.Linear(3, 6, bias=False))
    load_weights_into(fresh, path)

    assert torch.equal(fresh[1].weight, net[0].weight)


def test_metadata_must_be_strings(tmp_path):
    with pytest.raises(TypeError, match="metadata"):
        save_safetensors(TinyNet(), tmp_path / "x.safetensors", metadata={"sample_rate": 16000})
    assert not any(tmp_path.iterdir())


def test_state_dict_file_returns_cpu_tensors_by_name(tmp_path):
    path = save_safetensors(trained_tiny_net(seed=5), tmp_path / "t.safetensors")

    state = load_state_dict_file(path)

    assert set(state) == set(TinyNet().state_dict())
    assert all(t.device.type == "cpu" for t in state.values())


def test_load_error_survives_pickling_with_path_and_reason(tmp_path):
    error = ModelLoadError(tmp_path / "m.pt", "file is empty")

    copy_ = pickle.loads(pickle.dumps(error))

    assert (copy_.path, copy_.reason, str(copy_)) == (error.path, error.reason, str(error))
