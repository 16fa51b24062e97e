"""Offline, seeded audio synthesis for training and evaluating the workbench's models.

Every generator takes a ``sample_rate`` and a seed or ``numpy.random.Generator``
and returns float32 samples in [-1, 1] (mono, shape ``[frames]``).  The same seed
gives bit-identical audio.  Modules:

- ``examples``: ready-made examples for the classifier, the enhancer and the recognizer.
- ``speech``: English speech from espeak-ng and flite, with the exact text spoken.
- ``text``: a grammar-template sentence generator over ``vocabulary`` (the bundled
  English word list in ``resources/text``).
- ``noise``: white, pink, brown, babble, mains hum, fan, keyboard clicks, rain.
- ``music``: short pieces with chords, melody, bass and drums, played by ``instruments``
  (additive, Karplus-Strong plucked, synthesized kick/snare/hat).
- ``orchestra`` (subpackage): many-instrument music for the classifier: plucked,
  struck, bowed, blown, organ and synth families, percussion kits, scores in many
  styles and tempi, effects and mixing.
- ``ambience`` (subpackage): noise textures (colours, wind, surf, traffic, engines,
  crowd murmur, crackle ...) and room tone (mains hum and hiss).
- ``tones``: sine/square/sawtooth, DTMF, sweeps, sirens, beeps.
- ``filters``: RBJ biquads (shelves, peaks, pass filters) and their application.
- ``room``: reverberation impulse responses, convolution, gain and random EQ.
- ``mix``: levels, placement, stereo panning and mixing at a target SNR.
- ``arrays``: seeds, levels, fades and resampling shared by the generators.
"""

from workbench.training.synth.errors import SynthesisError

__all__ = ["SynthesisError"]
