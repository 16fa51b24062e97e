"""`workbench eval classifier`: score the installed classifier and its peers, print a report.

Two held-out sets: recordings per held-out instrument family and noise texture
(``family_eval``; the headline, where the targets apply) and the first set
(``evaluate``; the set the first model was scored on, kept for comparison).
``--compare ZOO`` scores another zoo's classifier (e.g. the shipped one) on the
same recordings.  ``--json FILE`` writes the full report; ``--update-card``
puts the numbers and the report into the model card and refreshes the manifest.

``--family-validation`` scores only the validation families (``families``), on
which runs trained with ``train classifier --family-validation`` are compared:
how recipes and settings are chosen without looking at the held-out families.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench.core import paths
from workbench.training.classifier import card
from workbench.training.classifier.family_eval import RECORDINGS_PER_FAMILY
from workbench.training.eval_support import load_zoo_model, log_line, refresh_card

TARGETS = {"window_accuracy": 0.97, "class_recall": 0.95, "boundary_f1": 0.9,
           "realtime_factor": 200.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")
    parser.add_argument("--model", default=card.MODEL_NAME, help="model name in the zoo")
    parser.add_argument("--run-dir", default="runs/classifier", metavar="DIR",
                        help="where the test recordings and validation clips are cached")
    parser.add_argument("--recordings", type=int, default=40,
                        help="held-out recordings to score (8 segments of 2-6 s each)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-peers", action="store_true",
                        help="skip the threshold baseline and silero-vad")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the full report here")
    parser.add_argument("--update-card", action="store_true",
                        help="write the measured metrics into the model card")
    parser.add_argument("--families", type=int, default=RECORDINGS_PER_FAMILY, metavar="N",
                        help="recordings per held-out (or validation) family, %(default)s "
                             "unless given (8 segments of 2-6 s each; 0 skips the family "
                             "evaluation)")
    parser.add_argument("--family-validation", action="store_true",
                        help="score only the validation families, to choose between runs "
                             "trained with `train classifier --family-validation`")
    parser.add_argument("--compare", type=Path, metavar="ZOO",
                        help="also score this zoo's classifier on the same recordings "
                             "(e.g. models/ while evaluating a new run's zoo)")


def headline(report: dict) -> dict:
    """The card's metrics: the numbers the targets are stated in."""
    window = report["window"]
    out = {"window_accuracy": window["accuracy"],
           "min_class_recall": min(s["recall"] for s in window["per_class"].values()),
           "boundary_f1": report["boundaries"]["f1"],
           "speech_f1": window["speech"]["f1"],
           "realtime_factor_wall": report["speed"]["realtime_factor_wall"],
           "realtime_factor_cpu": report["speed"]["realtime_factor_cpu"]}
    peers = report.get("peers", {})
    if "speech" in peers.get("silero_vad", {}):
        out["silero_vad_speech_f1"] = peers["silero_vad"]["speech"]["f1"]
    if "threshold_baseline" in peers:
        base = peers["threshold_baseline"]
        out["baseline_window_accuracy"] = base["window"]["accuracy"]
        out["baseline_speech_f1"] = base["window"]["speech"]["f1"]
        out["baseline_boundary_f1"] = base["boundaries"]["f1"]
    return out


def report_markdown(report: dict) -> str:
    """The first set's report as markdown tables (console and model card)."""
    window, speed = report["window"], report["speed"]
    lines = [f"{report['recordings']} recordings of the first held-out set, "
             f"{report['audio_s'] / 60:.1f} min, {window['windows']} windows inside one segment.",
             "",
             "| measure | CNN | threshold baseline | silero-vad | target |",
             "|---|---|---|---|---|"]
    peers = report.get("peers", {})
    base = peers.get("threshold_baseline")
    silero = peers.get("silero_vad", {}).get("speech")

    def cell(value, fmt="{:.4f}"):
        return "-" if value is None else fmt.format(value)

    lines.append(f"| window accuracy | {window['accuracy']:.4f} | "
                 f"{cell(base and base['window']['accuracy'])} | - | >= 0.97 |")
    lines.append(f"| speech F1 | {window['speech']['f1']:.4f} | "
                 f"{cell(base and base['window']['speech']['f1'])} | "
                 f"{cell(silero and silero['f1'])} | >= silero-vad |")
    lines.append(f"| boundary F1 (0.5 s) | {report['boundaries']['f1']:.3f} | "
                 f"{cell(base and base['boundaries']['f1'], '{:.3f}')} | - | >= 0.9 |")
    lines.append(f"| real-time factor (wall / CPU-time) | {speed['realtime_factor_wall']:.0f}x / "
                 f"{speed['realtime_factor_cpu']:.0f}x | - | - | >= 200x |")
    lines += ["", "| class | precision | recall | F1 | windows |", "|---|---|---|---|---|"]
    for label, s in window["per_class"].items():
        lines.append(f"| {label} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} "
                     f"| {s['support']} |")
    labels = window["confusion"]["rows_true_columns_predicted"]
    lines += ["", "Confusion (rows: true, columns: predicted):", "",
              "| | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, row in zip(labels, window["confusion"]["counts"]):
        lines.append(f"| {label} | " + " | ".join(str(n) for n in row) + " |")
    lines += ["", f"Accuracy over all windows labelled by their centre (boundary windows "
                  f"included): {report['window_all_centre_labelled_accuracy']:.4f}.",
              f"Speed: best of {len(speed.get('passes_wall_s', [0]))} passes over the test set "
              f"with {speed['threads']} torch threads, load average "
              f"{speed['load_average_1min']:.1f} on a shared machine (wall-clock passes: "
              + ", ".join(f"{w:.1f} s" for w in speed.get("passes_wall_s", []))
              + "); CPU-time factor = audio seconds / (process CPU seconds / threads)."]
    return "\n".join(lines)


def _first_set_headline(report: dict, prefix: str) -> dict:
    keep = ("window_accuracy", "min_class_recall", "boundary_f1", "speech_f1",
            "silero_vad_speech_f1")
    return {prefix + k: v for k, v in headline(report).items() if k in keep}


def _compare_rows(report: dict) -> list[tuple[str, float, float]]:
    first, other = report["first_set"], report["compare"]["first_set"]
    rows = [("first set: window accuracy", first["window"]["accuracy"],
             other["window"]["accuracy"]),
            ("first set: boundary F1", first["boundaries"]["f1"], other["boundaries"]["f1"])]
    mine, theirs = report.get("families"), report["compare"].get("families")
    if mine and theirs:
        mine, theirs = mine["pooled"], theirs["pooled"]
        rows += [("held-out families: window accuracy", mine["window"]["accuracy"],
                  theirs["window"]["accuracy"]),
                 ("held-out families: min class recall",
                  min(s["recall"] for s in mine["window"]["per_class"].values()),
                  min(s["recall"] for s in theirs["window"]["per_class"].values())),
                 ("held-out families: boundary F1", mine["boundaries"]["f1"],
                  theirs["boundaries"]["f1"]),
                 ("held-out families: speech F1", mine["window"]["speech"]["f1"],
                  theirs["window"]["speech"]["f1"])]
    return rows


def evaluation_text(report: dict) -> str:
    """The card's evaluation section: held-out families first, then the first set, then
    the comparison with another model when one was scored."""
    from workbench.training.classifier.family_eval import family_markdown

    parts = []
    families, compare = report.get("families"), report.get("compare")
    if families:
        parts += [f"### Held-out instrument families and noise textures (headline)\n\n"
                  f"{families['recordings_per_family']} recordings per family (8 segments of "
                  "2-6 s); the family plays every piece / leads every noise, speech backgrounds "
                  "included. Recall in class order speech/music/noise/tone/silence.\n",
                  family_markdown(families, compare and compare.get("families"),
                                  compare and compare["name"])]
    parts += ["\n### First held-out set (the first model's test set)\n",
              report_markdown(report["first_set"])]
    if compare:
        parts += [f"\n### Beside {compare['name']} on the same recordings\n",
                  f"| measure | this model | {compare['name']} |", "|---|---|---|"]
        parts += [f"| {m} | {a:.4f} | {b:.4f} |" for m, a, b in _compare_rows(report)]
    return "\n".join(parts)


def _compare(args, log) -> dict:
    from workbench.ml.classifier.net import build_classifier
    from workbench.training.classifier.evaluate import evaluate_classifier
    from workbench.training.classifier.family_eval import evaluate_families

    other = load_zoo_model(args.compare, args.model, build_classifier)
    out = {"name": args.compare.name, "first_set": evaluate_classifier(
        other, args.run_dir, args.recordings, args.threads, peers=False, log=log)}
    if args.families > 0:
        out["families"] = evaluate_families(other, args.run_dir, args.families, silero=False,
                                            log=log)
    return out


def run(args: argparse.Namespace) -> int:
    from workbench.ml.classifier.net import build_classifier
    from workbench.training.classifier.evaluate import evaluate_classifier
    from workbench.training.classifier.family_eval import evaluate_families, family_headline

    zoo = Path(args.zoo or paths.models_dir())
    model = load_zoo_model(zoo, args.model, build_classifier)
    if args.family_validation:
        return _family_validation(args, model)
    first = evaluate_classifier(model, args.run_dir, args.recordings, args.threads,
                                peers=not args.no_peers, log=log_line)
    report = {"first_set": first}
    if args.families > 0:
        report["families"] = evaluate_families(model, args.run_dir, args.families,
                                               silero=not args.no_peers, log=log_line)
    if args.compare:
        report["compare"] = _compare(args, log_line)
    text = evaluation_text(report)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.update_card:
        # Headline keys (the targets') are the held-out families' when measured; the first
        # set's numbers stay beside them under "first_set_".
        metrics = {**headline(first), **_first_set_headline(first, "first_set_")}
        if "families" in report:
            metrics.update(family_headline(report["families"]))
        parameters = sum(p.numel() for p in model.net.parameters())
        refresh_card(zoo, card, model.config, parameters, metrics, text)
    return 0


def _family_validation(args: argparse.Namespace, model) -> int:
    """Score ``model`` on the validation families only (choosing runs; never the card's)."""
    from workbench.training.classifier.family_eval import (
        evaluate_families,
        family_headline,
        family_markdown,
    )

    if args.update_card or args.compare:
        raise SystemExit("--family-validation chooses between runs: it does not go on a card "
                         "and compares one zoo at a time (leave out --update-card and --compare)")
    report = evaluate_families(model, args.run_dir, max(args.families, 1), silero=False,
                               log=log_line, split="fv-val")
    print(family_markdown(report))
    print(" ".join(f"{k} {v:.4f}" for k, v in family_headline(report).items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0
