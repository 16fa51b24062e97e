"""Offline, seeded audio synthesis for training and evaluating the workbench's models.

Every generator takes a ``sample_rate`` and a seed or ``numpy.random.Generator``
and returns float32 samples in [-1, 1] (mono, shape ``[frames]``).  The same seed
gives bit-identical audio.  Modules:

- ``speech``: English speech from espeak-ng and flite, with the exact text spoken.
- ``text``: the bundled English vocabulary and a grammar-template sentence generator.
- ``noise``: white, pink, brown, babble, mains hum, fan, keyboard clicks, rain.
- ``music``: short additive / plucked pieces with chords, melody and drums.
- ``tones``: sine/square/sawtooth, DTMF, sweeps, sirens, beeps.
- ``filters``: RBJ biquads (shelves, peaks, pass filters) and their application.
- ``room``: reverberation impulse responses, convolution, gain and random EQ.
- ``mix``: levels, placement and mixing at a target SNR.
"""

from workbench.training.synth.errors import SynthesisError

__all__ = ["SynthesisError"]
