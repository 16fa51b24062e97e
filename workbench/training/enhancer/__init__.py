"""Training and evaluating the speech enhancer (the net and its task live in ml/enhancer).

recipe (voices, noise kinds, what is held out), dataset (speech and noise pools, on-the-fly
mixing), losses, train + train_command (`workbench train enhancer`), eval_data, peers
(Wiener baseline, noisereduce, RNNoise), evaluate + eval_command (`workbench eval
enhancer`), card.  Imports ml, core and training.synth; never Qt, ui or runtime.
"""
