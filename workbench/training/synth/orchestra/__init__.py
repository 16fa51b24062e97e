"""Many-instrument music for the classifier: instrument families, scores, effects, mixing.

Rooms:

- ``shaping``: envelopes, vibrato and band-limited harmonic sums shared by the voices.
- ``plucked``, ``electric``, ``struck``, ``bowed``, ``blown``, ``keys``, ``synths``: pitched
  instrument families.  Each family is a *patch maker* ``make(rng, sample_rate)``
  that draws one instrument's settings and returns ``play(frequency_hz,
  duration_s, velocity) -> float64 samples``, so every note of a part sounds
  like the same instrument.
- ``kits``: percussion kits (acoustic, brushed, orchestral, electronic, hand
  percussion) built from noise and tones.
- ``families``: the registry of all families with their playable ranges
  (``ADDED_FAMILIES``: the ones kept out of ``ALL_FAMILIES``'s seeded order).
- ``score``: keys, chords, voicings, melodies, arpeggios, bass lines, rhythms.
- ``effects``: reverb, chorus, echo, distortion, EQ.
- ``render``: plays a score with chosen families at mixed levels through effects.

Only numpy and the toolkit's own ``filters``/``room``; seeded like the rest of synth.
"""
