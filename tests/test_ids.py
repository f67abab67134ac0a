"""Time-ordered ids for rows written in bulk (core.ids)."""

import time
import uuid

from meldpunt.core.ids import dashed, ordered_hex_ids


def test_bulk_ids_are_version_7_unique_and_carry_the_time():
    before = time.time_ns() // 1_000_000
    ids = [uuid.UUID(hex=h) for h in ordered_hex_ids(2000)]
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == 2000
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    # The first 48 bits are the milliseconds when the batch was made, the same for all of it.
    assert len({i.int >> 80 for i in ids}) == 1
    assert before <= ids[0].int >> 80 <= after
    later = uuid.UUID(hex=ordered_hex_ids(1)[0])
    assert later.int >> 80 >= ids[0].int >> 80


def test_hex_ids_are_32_digits_and_dash_like_uuid():
    for hex_id in ordered_hex_ids(500):
        assert len(hex_id) == 32
        assert dashed(hex_id) == str(uuid.UUID(hex=hex_id))
    assert dashed("0" * 31 + "1") == "00000000-0000-0000-0000-000000000001"


def test_zero_ids():
    assert ordered_hex_ids(0) == []


def test_bulk_ids_have_74_random_bits_each_uniform():
    # rand_a (12 bits) and rand_b (62 bits) are random: over many ids every bit is set in about
    # half of them, the version and variant bits never vary.
    ids = [uuid.UUID(hex=h).int for h in ordered_hex_ids(4000)]
    random_bits = [*range(0, 62), *range(64, 76)]
    for bit in random_bits:
        share = sum(i >> bit & 1 for i in ids) / len(ids)
        assert 0.4 < share < 0.6, bit
    assert {i >> 76 & 0xF for i in ids} == {7} and {i >> 62 & 0x3 for i in ids} == {2}
