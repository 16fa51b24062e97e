"""`workbench transcribe | enhance | classify`: run a model of the zoo on a file.

The JSON shapes are a contract other tools rely on (times in seconds):

transcribe: {"file", "duration", "sample_rate", "model", "device", "elapsed", "text",
             "words": [{"word", "start", "end", "confidence"}], "warnings": [...]}
classify:   {"file", "duration", "model", "device", "elapsed", "labels": [...],
             "segments": [{"start", "end", "label", "confidence"}], "summary": {label: seconds},
             "warnings": [...]}
enhance --json: {"input", "output", "model", "device", "elapsed", "warnings": [...]}

"warnings" lists what is wrong with the input file (also printed on stderr).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from workbench.cli.common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_USAGE,
    CliCommand,
    fail,
    warn,
)
from workbench.cli.progress import ProgressBar
from workbench.core.analysis.results import Classification, EnhancedAudio, Transcript
from workbench.core.audio.audio_export import (
    AudioExportError,
    export_audio,
    supported_export_formats,
)
from workbench.core.audio.audio_file import AudioFileError, LoadedAudio, load_audio, sample_warnings
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import Cancelled, run_to_completion
from workbench.core.labels.subtitles import to_srt, to_vtt
from workbench.core.settings import Settings

_OUTPUT_FORMATS = {".wav": "WAV", ".wave": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="M", help="model name in the zoo (default: the "
                                                     "first installed one for this task)")
    parser.add_argument("--device", metavar="D", help="auto, cpu, cuda, cuda:N or mps "
                                                      "(default: WORKBENCH_DEVICE, the "
                                                      "setting, else auto)")
    parser.add_argument("--zoo", metavar="DIR", type=Path,
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")


def _add_transcribe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)
    _common_arguments(parser)
    parser.add_argument("--format", choices=("text", "json", "srt", "vtt"), default="text")


def _add_enhance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                        help="where to write the enhanced audio (.wav, .flac or .ogg)")
    _common_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON summary")


def _add_classify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)
    _common_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _run_model(kind: str, args: argparse.Namespace, path: Path
               ) -> tuple[int, LoadedAudio | None, object]:
    """Find the model, open `path`, run the `kind` task; (exit code, loaded audio, result).

    The model is looked up before the file is read: without one, no input helps.
    """
    try:  # torch is imported only when a model runs
        from workbench.ml.errors import DeviceError, ModelLoadError, UnknownModelError
        from workbench.ml.model_tasks import MODEL_TASKS, NoModelError, find_model, run_model_task
        from workbench.ml.zoo import ModelZoo
    except ImportError as exc:
        return fail(kind, f"the model runtime cannot be loaded ({exc})", EXIT_MODEL), None, None
    model_errors = (NoModelError, ModelLoadError, UnknownModelError)
    spec, zoo = MODEL_TASKS[kind], ModelZoo.installed(args.zoo)
    try:
        # A model manager download (torchaudio pretrained) runs by its name, not the zoo's.
        model = args.model if args.model in spec.pretrained else \
            find_model(zoo, spec, args.model).name
    except model_errors as exc:
        return fail(kind, exc, EXIT_MODEL), None, None
    bar = ProgressBar()
    try:
        loaded = run_to_completion(lambda c: load_audio(path, c), on_progress=bar.update)
        found = sample_warnings(loaded.source)
        if found:
            loaded.info = replace(loaded.info, warnings=loaded.info.warnings + tuple(found))
        bar.close()  # the warnings must not land inside the progress line
        warn(kind, path, loaded.info.warnings)
        samples = BlockSequence.from_source(loaded.source)
        rate, setting = loaded.info.sample_rate, Settings.load().device
        result = run_to_completion(
            lambda c: run_model_task(spec, samples, rate, c, zoo=zoo, model=model,
                                     device=args.device, device_setting=setting),
            on_progress=bar.update)
    except AudioFileError as exc:
        return fail(kind, exc, EXIT_INPUT), None, None
    except DeviceError as exc:  # a device name this machine cannot use is a usage error
        return fail(kind, exc, EXIT_USAGE), None, None
    except model_errors as exc:
        return fail(kind, exc, EXIT_MODEL), None, None
    except (KeyboardInterrupt, Cancelled):
        return fail(kind, "interrupted", EXIT_INTERRUPTED), None, None
    except Exception as exc:  # a model that breaks while running is a model error
        return fail(kind, f"the model failed: {type(exc).__name__}: {exc}", EXIT_MODEL), \
            None, None
    finally:
        bar.close()
    return EXIT_OK, loaded, result


def transcript_json(path: Path, loaded: LoadedAudio, t: Transcript) -> dict:
    return {"file": str(path), "duration": loaded.info.duration,
            "sample_rate": loaded.info.sample_rate, "model": t.model, "device": t.device,
            "elapsed": t.elapsed, "text": t.text,
            "words": [{"word": w.word, "start": w.start, "end": w.end,
                       "confidence": w.confidence} for w in t.words],
            "warnings": list(loaded.info.warnings)}


def classification_json(path: Path, loaded: LoadedAudio, c: Classification) -> dict:
    return {"file": str(path), "duration": loaded.info.duration, "model": c.model,
            "device": c.device, "elapsed": c.elapsed, "labels": list(c.labels),
            "segments": [{"start": s.start, "end": s.end, "label": s.label,
                          "confidence": s.confidence} for s in c.segments],
            "summary": c.summary(), "warnings": list(loaded.info.warnings)}


def _transcribe(args: argparse.Namespace) -> int:
    code, loaded, transcript = _run_model("transcribe", args, args.file)
    if code != EXIT_OK:
        return code
    if args.format == "json":
        print(json.dumps(transcript_json(args.file, loaded, transcript), indent=2))
    elif args.format == "srt":
        print(to_srt(transcript), end="")
    elif args.format == "vtt":
        print(to_vtt(transcript), end="")
    else:
        print(transcript.text)
    return EXIT_OK


def _classify(args: argparse.Namespace) -> int:
    code, loaded, result = _run_model("classify", args, args.file)
    if code != EXIT_OK:
        return code
    if args.format == "json":
        print(json.dumps(classification_json(args.file, loaded, result), indent=2))
        return EXIT_OK
    for s in result.segments:
        print(f"{s.start:9.2f} {s.end:9.2f}  {s.label}  ({s.confidence:.2f})")
    print("summary: " + ", ".join(f"{label} {seconds:.2f} s"
                                  for label, seconds in result.summary().items()))
    return EXIT_OK


def _output_format(path: Path, input_subtype: str) -> tuple[str, str] | None:
    """(format, subtype) for `path`: the input's subtype when the format holds it."""
    fmt = _OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return None
    subtypes = supported_export_formats()[fmt]
    return fmt, input_subtype if input_subtype in subtypes else subtypes[0]


def _enhance(args: argparse.Namespace) -> int:
    if _output_format(args.output, "") is None:
        return fail("enhance", f"cannot write {args.output}: choose an output name ending in "
                               f"{', '.join(sorted(_OUTPUT_FORMATS))}", EXIT_USAGE)
    code, loaded, result = _run_model("enhance", args, args.input)
    if code != EXIT_OK:
        return code
    assert isinstance(result, EnhancedAudio)
    fmt, subtype = _output_format(args.output, loaded.info.subtype)
    bar = ProgressBar()
    try:
        run_to_completion(lambda c: export_audio(result.samples, result.sample_rate,
                                                 args.output, fmt, subtype, c),
                          on_progress=bar.update)
    except AudioExportError as exc:
        return fail("enhance", exc, EXIT_INPUT)
    finally:
        bar.close()
    if args.json:
        print(json.dumps({"input": str(args.input), "output": str(args.output),
                          "model": result.model, "device": result.device,
                          "elapsed": result.elapsed,
                          "warnings": list(loaded.info.warnings)}, indent=2))
    else:
        print(f"{args.output} ({result.model} on {result.device}, {result.elapsed:.1f} s)")
    return EXIT_OK


TRANSCRIBE = CliCommand("transcribe speech in an audio file", _add_transcribe, _transcribe)
ENHANCE = CliCommand("suppress noise in an audio file, writing a new file", _add_enhance,
                     _enhance)
CLASSIFY = CliCommand("label the sounds in an audio file over time", _add_classify, _classify)
