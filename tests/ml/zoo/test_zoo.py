"""The zoo lists models with their cards, checks every checksum, and never needs torch to list."""

import json
import os
import subprocess
import sys

import pytest
import torch

from tests.ml.tiny_nets import TinyNet, outputs, same_weights, trained_tiny_net
from workbench.core.paths import MODELS, REPO_ROOT
from workbench.ml.errors import ModelLoadError, UnknownModelError
from workbench.ml.zoo import ModelZoo, read_card, register_model
from workbench.ml.zoo.safe_load import save_safetensors

CARD_FRONT_MATTER = {
    "task": "keyword-spotting",
    "architecture": "tiny_net",
    "sample_rate": 16000,
    "labels": ["yes", "no"],
    "config": {"hidden": 3},
    "training_data": "synthetic tones, seed 0",
    "training_command": "python -m workbench.training.tiny --seed 0",
    "hardware": "1 CPU core",
    "training_time": "2 s",
    "metrics": {"accuracy": 0.5},
    "licence": "CC0",
}


def _card_text(front=None, body="A tiny test model.\n"):
    return "---\n" + json.dumps(front or CARD_FRONT_MATTER, indent=2) + "\n---\n\n" + body


def _add_model(zoo_dir, name, seed=0, front=None):
    zoo_dir.mkdir(exist_ok=True)
    net = trained_tiny_net(seed)
    save_safetensors(net, zoo_dir / f"{name}.safetensors", metadata={"name": name})
    (zoo_dir / f"{name}.md").write_text(_card_text(front), encoding="utf-8")
    register_model(zoo_dir, name, f"{name}.safetensors", f"{name}.md")
    return net


@pytest.fixture
def zoo_dir(tmp_path):
    folder = tmp_path / "zoo"
    _add_model(folder, "spotter", seed=0)
    _add_model(folder, "other", seed=1)
    return folder


def test_listing_shows_every_model_with_its_card(zoo_dir):
    entries = ModelZoo(zoo_dir).list_models()

    assert [e.name for e in entries] == ["spotter", "other"]
    assert all(e.usable for e in entries)
    card = entries[0].card
    assert (card.task, card.sample_rate, card.labels) == ("keyword-spotting", 16000, ("yes", "no"))
    assert card.metrics == {"accuracy": 0.5} and card.config == {"hidden": 3}
    assert card.extra == {"licence": "CC0"}
    assert card.body == "A tiny test model."


def test_listing_does_not_import_torch(zoo_dir):
    script = (
        "import sys\n"
        "from workbench.ml.zoo import ModelZoo\n"
        f"entries = ModelZoo({str(zoo_dir)!r}).list_models()\n"
        "print(len(entries), all(e.usable for e in entries), 'torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True)

    assert done.stdout.split() == ["2", "True", "False"]


def test_loading_from_the_zoo_gives_the_trained_outputs(zoo_dir):
    trained = trained_tiny_net(seed=1)

    loaded = ModelZoo(zoo_dir).load_weights_into("other", TinyNet().eval())

    assert torch.equal(outputs(loaded), outputs(trained))


def test_changed_weights_are_a_load_error_naming_the_file(zoo_dir):
    weights = zoo_dir / "spotter.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    zoo = ModelZoo(zoo_dir)
    fresh = TinyNet().eval()
    fresh_before = TinyNet().eval()
    fresh_before.load_state_dict(fresh.state_dict())

    entry = zoo.entry("spotter")
    with pytest.raises(ModelLoadError) as caught:
        zoo.load_weights_into("spotter", fresh)

    assert not entry.usable and entry.problem.path == weights
    assert caught.value.path == weights and "sha256 mismatch" in caught.value.reason
    assert same_weights(fresh, fresh_before)
    assert zoo.entry("other").usable


def test_loading_hashes_again_even_when_size_and_time_look_unchanged(zoo_dir):
    zoo = ModelZoo(zoo_dir)
    assert zoo.entry("spotter").usable  # the listing now caches the checksum
    weights = zoo_dir / "spotter.safetensors"
    stat = weights.stat()
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    with pytest.raises(ModelLoadError, match="sha256 mismatch"):
        zoo.verified_weights("spotter")


def test_a_changed_card_is_caught_too(zoo_dir):
    card = zoo_dir / "other.md"
    card.write_text(card.read_text() + "\nEdited by hand.\n")

    entry = ModelZoo(zoo_dir).entry("other")

    assert entry.problem.path == card and "sha256" in entry.problem.reason


def test_missing_weights_are_listed_as_a_problem(zoo_dir):
    (zoo_dir / "other.safetensors").unlink()

    entries = {e.name: e for e in ModelZoo(zoo_dir).list_models()}

    assert entries["spotter"].usable
    assert entries["other"].problem.path == zoo_dir / "other.safetensors"
    assert "missing" in entries["other"].problem.reason


def test_a_card_without_required_fields_is_refused(tmp_path):
    folder = tmp_path / "zoo"
    folder.mkdir()
    (folder / "m.md").write_text(_card_text({**CARD_FRONT_MATTER, "sample_rate": "16 kHz"}))

    with pytest.raises(ModelLoadError, match="'sample_rate' is missing or not an integer"):
        read_card(folder / "m.md")
    with pytest.raises(ModelLoadError):
        register_model(folder, "m", "m.md", "m.md")
    assert not (folder / "manifest.json").exists()


@pytest.mark.parametrize("text, words", [
    ("# no front matter\n", "must start with"),
    ("---\n{\"task\": 1}\n", "no closing"),
    ("---\ntask: yaml\n---\n", "not valid JSON"),
    ("---\n[1, 2]\n---\n", "JSON object"),
])
def test_malformed_cards_name_the_problem(tmp_path, text, words):
    (tmp_path / "card.md").write_text(text)

    with pytest.raises(ModelLoadError, match=words) as caught:
        read_card(tmp_path / "card.md")

    assert caught.value.path == tmp_path / "card.md"


@pytest.mark.parametrize("manifest, words", [
    (None, "no manifest"),
    ("{not json", "unreadable manifest"),
    ({"format": 2, "models": []}, "format"),
    ({"format": 1, "models": [{"name": "x", "weights": "../outside.safetensors",
                               "card": "x.md", "sha256": {"x.md": "0"}}]}, "outside the zoo"),
    ({"format": 1, "models": [{"name": "x", "weights": "x.safetensors", "card": "x.md",
                               "sha256": {"x.md": "0"}}]}, "no sha256 for x.safetensors"),
])
def test_a_broken_manifest_is_a_load_error_naming_it(tmp_path, manifest, words):
    if manifest is not None:
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
        (tmp_path / "manifest.json").write_text(text)

    with pytest.raises(ModelLoadError, match=words) as caught:
        ModelZoo(tmp_path).list_models()

    assert caught.value.path == tmp_path / "manifest.json"


def test_unknown_model_names_the_known_ones(zoo_dir):
    with pytest.raises(UnknownModelError) as caught:
        ModelZoo(zoo_dir).entry("nope")

    assert caught.value.known == ("spotter", "other")


def test_registering_again_replaces_the_entry_in_place(zoo_dir):
    _add_model(zoo_dir, "spotter", seed=5)

    zoo = ModelZoo(zoo_dir)
    loaded = zoo.load_weights_into("spotter", TinyNet().eval())

    assert [e.name for e in zoo.list_models()] == ["spotter", "other"]
    assert torch.equal(outputs(loaded), outputs(trained_tiny_net(seed=5)))


def test_the_shipped_zoo_is_consistent():
    entries = ModelZoo(MODELS).list_models()

    problems = {e.name: str(e.problem) for e in entries if not e.usable}
    assert problems == {}


def test_user_models_are_listed_after_the_shipped_ones_and_load_from_their_own_folder(
        zoo_dir, tmp_path):
    user = tmp_path / "user-models"
    assert [e.name for e in ModelZoo(zoo_dir, user).list_models()] == ["spotter", "other"]
    _add_model(user, "mine", seed=2)
    _add_model(user, "spotter", seed=3)  # a shipped name: the shipped model wins
    zoo = ModelZoo(zoo_dir, user)
    assert [e.name for e in zoo.list_models()] == ["spotter", "other", "mine"]
    assert zoo.entry("mine").weights_path == user / "mine.safetensors"
    loaded = zoo.load_weights_into("mine", TinyNet().eval())
    assert torch.equal(outputs(loaded), outputs(trained_tiny_net(seed=2)))
    assert torch.equal(outputs(zoo.load_weights_into("spotter", TinyNet().eval())),
                       outputs(trained_tiny_net(seed=0)))
    assert [e.name for e in ModelZoo(zoo_dir).list_models()] == ["spotter", "other"]


def test_usable_names_are_the_working_models_of_one_task_shipped_first(zoo_dir, tmp_path):
    user = tmp_path / "user-models"
    _add_model(user, "mine", seed=2)
    _add_model(user, "theirs", seed=3, front={**CARD_FRONT_MATTER, "task": "speech-enhancement"})
    (zoo_dir / "other.safetensors").unlink()  # listed, but not usable
    zoo = ModelZoo(zoo_dir, user)
    assert zoo.usable_names("keyword-spotting") == ["spotter", "mine"]
    assert zoo.usable_names("speech-enhancement") == ["theirs"]
    assert ModelZoo(tmp_path / "no-zoo-here").usable_names("keyword-spotting") == []
    (zoo_dir / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelLoadError):
        zoo.usable_names("keyword-spotting")
