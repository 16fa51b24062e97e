"""`workbench eval recognizer`: score the installed recognizer and pocketsphinx, print a report.

``--json FILE`` writes the full report; ``--update-card`` rewrites the model card with
the headline numbers and the report, writes the word LM beside it if missing, and
refreshes the manifest.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench.core import paths
from workbench.training.eval_support import log_line
from workbench.training.recognizer import card

TARGETS = {"clean_wer": 0.10, "clean_cer": 0.05, "noisy_wer": 0.20, "realtime_factor": 0.05,
           "word_latency_s": 1.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")
    parser.add_argument("--model", default=card.MODEL_NAME, help="model name in the zoo")
    parser.add_argument("--weights", type=Path, metavar="FILE",
                        help="score these weights instead of the zoo's (e.g. a checkpoint "
                             "export in runs/recognizer)")
    parser.add_argument("--corpus", action="append", default=[], metavar="DIR",
                        help="score this corpus's held-out utterances as 'seen speaker' "
                             "(default: the training corpora named on the card, if present)")
    parser.add_argument("--clips", type=int, default=120, help="synthetic clips per set")
    parser.add_argument("--eval-dir", default="data/recognizer/eval", metavar="DIR",
                        help="cache of the synthesized held-out clips")
    parser.add_argument("--pool-dir", default="data/recognizer/pool", metavar="DIR",
                        help="the training pool (its texts are excluded from the test)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-peers", action="store_true", help="skip pocketsphinx")
    parser.add_argument("--peer-clips", type=int, default=40,
                        help="clips per set that pocketsphinx decodes (it is slow)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the full report here")
    parser.add_argument("--update-card", action="store_true",
                        help="write the measured metrics into the model card")
    parser.add_argument("--peer-only", action="store_true",
                        help="only run (and cache) pocketsphinx on the test clips")


def headline(report: dict) -> dict:
    """The card's metrics: the numbers the targets are stated in."""
    sets = report["sets"]
    out = {}
    for name, scores in sets.items():
        out[f"{name}_wer"] = scores["beam_lm"]["wer"]
        out[f"{name}_cer"] = scores["beam_lm"]["cer"]
        out[f"{name}_greedy_wer"] = scores["greedy"]["wer"]
        if "pocketsphinx" in scores:
            out[f"{name}_pocketsphinx_wer"] = scores["pocketsphinx"]["wer"]
            out[f"{name}_wer_on_pocketsphinx_clips"] = scores["beam_lm_on_peer_clips"]["wer"]
    out["realtime_factor"] = report["speed"]["realtime_factor"]
    out["worst_word_latency_s"] = report["streaming"]["worst_word_latency_s"]
    return out


_TITLES = {"synthetic_clean": "held-out synthetic voices, clean",
           "synthetic_10db": "held-out synthetic voices, noise at 10 dB SNR",
           "seen_speaker": "held-out utterances of the training speaker (seen speaker)"}


def report_markdown(report: dict) -> str:
    lines = ["| set | clips | audio | WER beam+LM | CER beam+LM | WER greedy | CER greedy "
             "| pocketsphinx WER / CER (ours beam+LM, same clips) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, s in report["sets"].items():
        peer, ours = s.get("pocketsphinx"), s.get("beam_lm_on_peer_clips", {})
        versus = "-" if peer is None else (
            f"{peer['wer']:.3f} / {peer['cer']:.3f} ({_cell(ours.get('wer'))} / "
            f"{_cell(ours.get('cer'))}, first {peer['clips']} clips)")
        lines.append(
            f"| {_TITLES.get(name, name)} | {s['clips']} | {s['audio_s'] / 60:.1f} min "
            f"| {s['beam_lm']['wer']:.3f} | {s['beam_lm']['cer']:.3f} "
            f"| {s['greedy']['wer']:.3f} | {s['greedy']['cer']:.3f} | {versus} |")
    speed, stream = report["speed"], report["streaming"]
    lines += ["", f"Real-time factor over whole clips (network only, {speed['threads']} torch "
                  f"thread(s), shared machine, load average {speed['load_average']:.1f}): "
                  f"{speed['realtime_factor']:.4f}; with the beam search "
                  f"{speed['realtime_factor_with_beam']:.4f}"
                  + (f"; pocketsphinx {speed['pocketsphinx_realtime_factor']:.4f}"
                     if speed.get("pocketsphinx_realtime_factor") is not None else "") + ".",
              f"Streaming: chunks of {stream['chunk_s']:.2f} s, look-ahead "
              f"{stream['lookahead_s']:.2f} s, {stream['compute_per_chunk_s'] * 1000:.0f} ms "
              f"of compute per chunk: a word is out at most {stream['worst_word_latency_s']:.2f}"
              " s after it ends.", "",
              "Targets (issue): clean WER <= 0.10 and CER <= 0.05 with the LM; WER <= 0.20 at "
              "10 dB SNR; WER at most half of pocketsphinx's; real-time factor <= 0.05; a word "
              "out <= 1 s after it ends.", "", "Examples (reference / beam+LM / greedy):", ""]
    for name, s in report["sets"].items():
        for ex in s["examples"][:2]:
            lines.append(f"- {name}: \"{ex['reference']}\" / \"{ex['beam_lm']}\" / "
                         f"\"{ex['greedy']}\"")
    return "\n".join(lines)


def _cell(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _load(zoo: Path, name: str, weights: Path | None):
    from workbench.ml.recognizer.net import build_recognizer
    from workbench.ml.zoo import ModelZoo, read_card
    from workbench.ml.zoo.safe_load import load_weights_into

    zoo_obj = ModelZoo(zoo)
    entry = zoo_obj.entry(name)
    model_card = entry.card if entry.card is not None else read_card(entry.card_path)
    net = build_recognizer(model_card)
    if weights is not None:
        load_weights_into(net, weights)
    else:
        if entry.problem is not None:
            raise entry.problem
        zoo_obj.load_weights_into(name, net)
    return net.eval(), model_card


def run(args: argparse.Namespace) -> int:
    import os

    import torch

    from workbench.ml.recognizer.lm import read_arpa
    from workbench.training.recognizer import evaluate, language, pool

    torch.set_num_threads(args.threads)
    zoo = Path(args.zoo or paths.models_dir())
    net, model_card = _load(zoo, args.model, args.weights)
    folder = (zoo / card.card_file(args.model)).parent
    lm_path = folder / language.LM_FILE
    if not lm_path.exists():
        language.write_language_model(folder)
    lm = read_arpa(lm_path)

    log = log_line
    training_texts = set()
    for shard in sorted(Path(args.pool_dir).glob("train_*[0-9].npz")):
        training_texts |= {text for _, text in pool.read_shard(shard)}
    clean = evaluate.synthetic_clips(Path(args.eval_dir), args.clips, 1, training_texts)
    sets = {"synthetic_clean": clean,
            "synthetic_10db": evaluate.noisy(clean, evaluate.SNR_DB, 1)}
    corpora = args.corpus or [c for c in model_card.extra.get("training", {}).get(
        "settings", {}).get("corpora", []) if Path(c).is_dir()]
    seen = [clip for folder_name in corpora for clip in evaluate.corpus_clips(folder_name)]
    if seen:
        sets["seen_speaker"] = seen
    peer = None
    if not args.no_peers:
        recognize = evaluate.pocketsphinx_peer()
        if recognize is None:
            log("pocketsphinx is not installed: no peer figures (pip install pocketsphinx)")
        else:
            peer = evaluate.CachedPeer(recognize, Path(args.eval_dir) / "pocketsphinx.json")
    if args.peer_only:
        for name, clips in sets.items():
            log(f"pocketsphinx on {name}")
            for clip in clips[:args.peer_clips]:
                peer(clip.audio)
        return 0
    report = {"sets": {}, "corpora": corpora}
    for name, clips in sets.items():
        log(f"scoring {name} ({len(clips)} clips)")
        report["sets"][name] = evaluate.score_set(net, clips, lm, peer, args.peer_clips)
    audio = sum(s["audio_s"] for s in report["sets"].values())
    rtf = sum(s["realtime_factor"] * s["audio_s"] for s in report["sets"].values()) / audio
    rtf_beam = sum(s["realtime_factor_with_beam"] * s["audio_s"]
                   for s in report["sets"].values()) / audio
    peer_rtf = [s["pocketsphinx"]["realtime_factor"] * s["audio_s"]
                for s in report["sets"].values() if "pocketsphinx" in s]
    report["speed"] = {"threads": args.threads, "load_average": os.getloadavg()[0],
                       "realtime_factor": round(rtf, 4),
                       "realtime_factor_with_beam": round(rtf_beam, 4),
                       "pocketsphinx_realtime_factor": round(sum(peer_rtf) / audio, 4)
                       if peer_rtf else None}
    report["streaming"] = evaluate.streaming_latency(net)
    text = report_markdown(report)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.update_card:
        summary = card.read_summary(zoo, args.model)
        card.write_card(zoo, args.model, summary, headline(report), text)
        card.register(zoo, args.model)
        print(f"updated {zoo / card.card_file(args.model)}")
    return 0
