"""Training and evaluation of the CTC speech recognizer (no Qt).

- ``corpus``: transcribed recordings from a folder (pairs, LJSpeech, LibriSpeech layouts).
- ``pool``: the synthetic training pool (espeak-ng + flite shards) and the noise/room bank.
- ``augment``: on-the-fly augmentation of training utterances.
- ``train`` / ``train_command``: the seeded, resumable training loop and its CLI.
- ``card``: the model card and zoo entry.
"""
