"""Scoring the enhancer and its peers on the held-out test set, all in one run.

Per item and system: SI-SDR of input and output (and the improvement), PESQ
(wide band) and STOI of input and output; per system the processing time per
audio second.  The shipped model's real-time factor is also measured over one
long file (every held-out mixture end to end) through the streaming path, in
chunks, with the requested torch threads.  PESQ and STOI need the `pesq` and
`pystoi` packages (the eval extra); without them those columns stay empty.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from workbench.training.enhancer.eval_data import SNRS_DB, EvalItem, build_eval_set
from workbench.training.enhancer.losses import si_sdr
from workbench.training.enhancer.peers import RATE, available_peers

System = Callable[[np.ndarray], np.ndarray]


def _si_sdr(estimate: np.ndarray, clean: np.ndarray) -> float:
    return float(si_sdr(torch.from_numpy(np.asarray(estimate, np.float32))[None],
                        torch.from_numpy(np.asarray(clean, np.float32))[None]))


def _scorers() -> tuple[Callable | None, Callable | None, dict[str, str]]:
    missing = {}
    try:
        from pesq import pesq as pesq_fn

        def pesq_wb(clean, degraded):
            try:
                return float(pesq_fn(RATE, clean, degraded, "wb"))
            except Exception:  # no utterance found and the like: no score for this item
                return None
    except ImportError as exc:
        pesq_wb, missing["pesq"] = None, f"not installed ({exc})"
    try:
        from pystoi import stoi as stoi_fn

        def stoi(clean, degraded):
            return float(stoi_fn(clean, degraded, RATE, extended=False))
    except ImportError as exc:
        stoi, missing["stoi"] = None, f"not installed ({exc})"
    return pesq_wb, stoi, missing


def model_system(net, min_gain: float = 0.0) -> System:
    """The enhancer as a 16 kHz mono function (streaming arithmetic, whole item at once)."""
    def run(noisy: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return net(torch.from_numpy(noisy)[None], min_gain)[0].numpy()
    return run


def measure_realtime_factor(net, audio: np.ndarray, threads: int, passes: int = 3) -> dict:
    """Seconds of processing per second of audio through the enhance task (10 s chunks,
    state carried), with torch set to ``threads`` threads as the app would be."""
    from workbench.core.jobs import CancelToken
    from workbench.ml.enhancer.task import enhance
    from workbench.ml.tasks.base import ModelProvider
    from workbench.ml.zoo import ModelCard

    card = ModelCard("speech-enhancement", "mask-enhancer", RATE, "", "", "", "", {})
    provider = ModelProvider("enhancer", card, lambda device: net, torch.device("cpu"))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    walls, cpus = [], []
    try:
        for _ in range(passes):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in enhance(audio, RATE, {}, CancelToken(), provider):
                pass
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    finally:
        torch.set_num_threads(previous)
    seconds = len(audio) / RATE
    return {"audio_s": seconds, "threads": threads, "passes_wall_s": walls,
            "realtime_factor_wall": min(walls) / seconds,
            "realtime_factor_cpu": min(cpus) / seconds,
            "load_average_1min": os.getloadavg()[0]}


def _score_items(items: list[EvalItem], system: System, pesq_wb, stoi) -> tuple[list, float]:
    rows, spent = [], 0.0
    for item in items:
        started = time.perf_counter()
        out = system(item.noisy)
        spent += time.perf_counter() - started
        rows.append({"si_sdr": _si_sdr(out, item.clean),
                     "pesq": pesq_wb(item.clean, out) if pesq_wb else None,
                     "stoi": stoi(item.clean, out) if stoi else None})
    return rows, spent


def _mean(values) -> float | None:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(values)) if values else None


def _summary(items: list[EvalItem], inputs: list[dict], outputs: list[dict],
             select: Callable[[EvalItem], bool]) -> dict:
    chosen = [i for i, item in enumerate(items) if select(item)]
    out = {"items": len(chosen)}
    for key in ("si_sdr", "pesq", "stoi"):
        before = _mean(inputs[i][key] for i in chosen)
        after = _mean(outputs[i][key] for i in chosen)
        out[f"{key}_in"], out[f"{key}_out"] = before, after
        paired = [(outputs[i][key], inputs[i][key]) for i in chosen
                  if outputs[i][key] is not None and inputs[i][key] is not None]
        out[f"{key}_delta"] = _mean(a - b for a, b in paired)
    return out


def evaluate_enhancer(net, run_dir: str | Path, per_cell: int, threads: int, peers: bool = True,
                      log: Callable[[str], None] = print) -> dict:
    """The report: per system, held-out and seen sets, per SNR and noise kind, clean check.

    Items are scored one by one on one torch thread (small matrices gain nothing from
    more, and extra threads only spin on a busy machine); the real-time factor is
    measured through the enhance task with torch set to ``threads`` threads."""
    torch.set_num_threads(1)
    items = build_eval_set(Path(run_dir) / "eval", per_cell, log=log)
    pesq_wb, stoi, missing = _scorers()
    clean_items = [i for i in items if i.group == "clean"]
    systems: dict[str, System] = {"enhancer": model_system(net)}
    if peers:
        found, absent = available_peers(clean_items[0].clean)
        systems.update(found)
        missing.update(absent)
    scored = [i for i in items if i.group != "clean"]
    log(f"scoring the inputs of {len(scored)} mixtures")
    inputs, _ = _score_items(scored, lambda x: x, pesq_wb, stoi)
    audio_s = sum(len(i.noisy) for i in scored) / RATE
    report = {"items": len(scored), "audio_s": audio_s, "systems": {}, "missing": missing,
              "snrs_db": list(SNRS_DB)}
    for name, system in systems.items():
        log(f"scoring {name}")
        outputs, spent = _score_items(scored, system, pesq_wb, stoi)
        result = {"held_out": _summary(scored, inputs, outputs, lambda i: i.group == "held-out"),
                  "seen": _summary(scored, inputs, outputs, lambda i: i.group == "seen"),
                  "per_snr": {f"{snr:g}": _summary(scored, inputs, outputs,
                                                   lambda i, s=snr: i.group == "held-out"
                                                   and i.snr_db == s) for snr in SNRS_DB},
                  "per_kind": {kind: _summary(scored, inputs, outputs,
                                              lambda i, k=kind: i.kind == k)
                               for kind in dict.fromkeys(i.kind for i in scored)},
                  "seconds_per_audio_second": spent / audio_s}
        clean_out = [system(i.clean) for i in clean_items]
        result["clean_si_sdr"] = _mean(_si_sdr(o, i.clean) for o, i in
                                       zip(clean_out, clean_items))
        report["systems"][name] = result
    held = np.concatenate([i.noisy for i in scored if i.group == "held-out"])
    log("measuring the real-time factor")
    report["speed"] = measure_realtime_factor(net, held, threads)
    return report
