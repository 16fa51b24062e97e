"""The speech enhancer's room in the UI: its result under review (original, enhanced and
residual spectrogram rows on the timeline), the A/B/residual listening switch, strength
controls, scores, and Apply/Discard.  Uses core, runtime and ui.timeline; never another
model family's room.
"""
