"""torchaudio's RNN-T beam search, remembering when and how surely each token came.

torchaudio 2.11's `RNNTBeamSearch` keeps hypotheses as (tokens, predictor output,
predictor state, score) and forgets at which encoder frame a token was emitted.
`TimedRNNTBeamSearch` runs the same search (same scores, same pruning, same order)
and carries two more entries on each hypothesis: the frame of every emitted token
and its log probability (the joint network's log-softmax for that token at that
frame, given the tokens before it).  It hooks the three private steps that build
hypotheses (`_init_b_hypos`, `_gen_b_hypos`, `_gen_new_hypos`); torchaudio is pinned
in the lock, and a test checks the search still finds what torchaudio's finds.

`search(encoded, hypotheses, frame_offset)` goes on from the hypotheses of the frames
before (as `infer` does after torchaudio's streaming encoder) over encoder frames
computed elsewhere; `frame_offset` says where they start, so frames count from the
start of the audio.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torchaudio.models import RNNTBeamSearch


@dataclass(frozen=True)
class TimedTokens:
    """The best hypothesis: token ids (the start symbol dropped), the encoder frame of
    each, and each one's log probability."""

    tokens: tuple[int, ...]
    frames: tuple[int, ...]
    log_probs: tuple[float, ...]


class TimedRNNTBeamSearch(RNNTBeamSearch):
    """RNNTBeamSearch whose hypotheses also carry token frames and log probabilities.

    Owned by one task (not thread-safe): `frame_offset` is its position in the audio.
    """

    def __init__(self, model: torch.nn.Module, blank: int, beam_width: int) -> None:
        super().__init__(model, blank)
        self.beam_width = beam_width
        self.frame_offset = 0

    def search(self, encoded: torch.Tensor, hypotheses: list | None,
               frame_offset: int) -> list:
        """The best hypotheses after `encoded` (1, frames, dim), continuing `hypotheses`
        (None: from the start)."""
        self.frame_offset = frame_offset
        return self._search(encoded, hypotheses, self.beam_width)

    def _init_b_hypos(self, device):
        return [(*h, (), ()) for h in super()._init_b_hypos(device)]

    def _gen_b_hypos(self, b_hypos, a_hypos, next_token_probs, key_to_b_hypo):
        # torchaudio rebuilds the kept hypotheses as 4-tuples; put the timing back.  Where
        # two hypotheses merge (same tokens), the one just extended gives the timing, as
        # it gives the predictor state.
        timing = {str(h[0]): h[4:] for h in (*b_hypos, *a_hypos)}
        merged = super()._gen_b_hypos(b_hypos, a_hypos, next_token_probs, key_to_b_hypo)
        return [(*h[:4], *timing[str(h[0])]) for h in merged]

    def _gen_new_hypos(self, base_hypos, tokens, scores, t, device):
        fresh = super()._gen_new_hypos(base_hypos, tokens, scores, t, device)
        frame = self.frame_offset + t
        # A new hypothesis' score is its base's plus the new token's log probability.
        return [(*new[:4], base[4] + (frame,), base[5] + (scores[i] - base[3],))
                for i, (new, base) in enumerate(zip(fresh, base_hypos, strict=True))]


def best_tokens(hypotheses: list) -> TimedTokens:
    """The first (best-ranked) hypothesis of a search, without its start symbol."""
    best = hypotheses[0]
    return TimedTokens(tuple(best[0][1:]), tuple(best[4]), tuple(float(p) for p in best[5]))
