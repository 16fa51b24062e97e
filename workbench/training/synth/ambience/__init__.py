"""Noise textures and room tone for the classifier's noise and silence classes.

Rooms:

- ``colours``: noise of any spectral slope (violet to brown) and band-limited noise.
- ``weather``: wind (gusts, whistling resonances) and surf.
- ``machines``: traffic rumble, engines, air conditioning.
- ``crowd``: crowd murmur built from vowel-like buzzes (no words, no speech engine).
- ``crackle``: clicks, vinyl crackle and electrical crackle.
- ``room_tone``: what a quiet room records: mains hum (50/60 Hz and harmonics) and hiss.
- ``textures``: the registry of all textures, ``render_texture(name, ...)``.

Every generator returns float64 samples at an arbitrary level; callers set levels.
"""
