"""StreamingRateConverter: a stream converted block by block equals the whole stream
converted at once, whatever the block sizes, and hands out only what is ready."""

import numpy as np
import pytest

from tests.task_helpers import resample_whole
from workbench.core.audio.streaming_rate import StreamingRateConverter


@pytest.mark.parametrize(("in_rate", "out_rate", "block"), [(44100, 16000, 441),
                                                            (48000, 16000, 7000),
                                                            (16000, 16000, 333),
                                                            (8000, 16000, 100)])
def test_blocks_give_the_whole_streams_conversion(in_rate, out_rate, block):
    signal = np.random.default_rng(0).standard_normal(in_rate * 2).astype(np.float32)
    stream, pieces = StreamingRateConverter(in_rate, out_rate), []
    for i in range(0, len(signal), block):
        pieces.append(stream.feed(signal[i:i + block]))
        # Nothing handed out yet depends on input that has not arrived.
        assert stream.output_frames <= stream.converter.output_frames_ready(stream.input_frames)
    pieces.append(stream.finish())
    np.testing.assert_allclose(np.concatenate(pieces), resample_whole(signal, in_rate, out_rate),
                               atol=1e-6)
