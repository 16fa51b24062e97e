"""Noise textures and room tone for the classifier's noise and silence classes.

Rooms:

- ``colours``: noise of any spectral slope (violet to brown) and band-limited noise.
- ``weather``: wind (gusts, whistling resonances) and surf.
- ``machines``: traffic rumble, engines, air conditioning, a workshop (hammer blows over a motor).
- ``crowd``: crowd murmur built from vowel-like buzzes (no words, no speech engine), applause.
- ``crackle``: clicks, vinyl crackle and electrical crackle.
- ``water``: running water (rising bubble resonances over a rush) and a shower's spray.
- ``household``: dishes clinking in a kitchen; rustling paper, leaves or cloth.
- ``nature``: crickets and cicadas.
- ``events``: shared helpers: grains summed in at their onsets, ringing partials, noise bursts.
- ``room_tone``: what a quiet room records: mains hum (50/60 Hz and harmonics) and hiss; and
  rooms with electronics or a fridge.
- ``textures``: the registry of all textures, ``render_texture(name, ...)``.

Every generator returns float64 samples at an arbitrary level; callers set levels.
"""
