"""QR codes in byte mode as segno makes them, module for module and byte for byte in their SVG, without
segno's loops over every module.

segno is pure Python: it places the codewords one module at a time and scores each of the eight data masks
by walking every module (ISO/IEC 18004:2015 7.8.3), about 20 ms a code, which at thousands of letters a
run was most of the dunning run. Here the codewords are computed with segno's own tables (consts: capacities,
blocks, the Galois field), the placement order and the function patterns are taken once per version from
segno's own matrix functions, and the masks are applied and scored with numpy, all eight at once, by the
same rules segno counts by (including where it starts its next search for the 1:1:3:1:1 pattern). The
format and version information are written by segno's functions. tests/test_qr_code.py holds the modules
and the SVG to segno's for many payloads and every version a letter's payload can need.

Only byte mode without ECI, as segno encodes a text its mode detection leaves in byte mode; `modules`
returns None for anything else (digits only, upper-case alphanumerics, Kanji) and the caller asks segno.
"""

from __future__ import annotations

from functools import cache
from itertools import zip_longest
from typing import Any
from xml.sax.saxutils import escape

ERROR_LEVELS = "lmqh"
BORDER = 4                  # segno's quiet zone for QR codes, in modules
N3_PATTERN = b"\x01\x00\x01\x01\x01\x00\x01"   # dark light dark dark dark light dark


def modules(data: bytes, error: str) -> tuple[tuple[bytearray, ...], int, int] | None:
    """The QR code of `data` at error level `error` ("l", "m", "q", "h"), not boosted: its rows of modules
    (1 dark, 0 light), its version and its mask; None where segno would not use byte mode."""
    from segno import consts, encoder

    if encoder.find_mode(data) != consts.MODE_BYTE:
        return None
    level = _level(error)
    version = _version(len(data), level)
    if version is None:
        return None
    codewords = _codewords(data, version, level)
    matrix, mask = _best_masked(version, codewords)
    rows = tuple(bytearray(row.tobytes()) for row in matrix)
    encoder.add_format_info(rows, version, level, mask)
    encoder.add_version_info(rows, version)
    return rows, version, mask


def svg_inline(rows: tuple[bytearray, ...], *, scale: int = 1, title: str | None = None) -> str:
    """The <svg> element segno's `svg_inline(scale=, title=)` writes for these modules: one path, a horizontal
    line per run of dark modules, each relative to the end of the one before."""
    import numpy as np

    size = len(rows)
    padded = np.zeros((size, size + 2), dtype=np.int8)
    padded[:, 1:-1] = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(size, size)
    steps = np.diff(padded, axis=1)
    line, start = np.nonzero(steps == 1)      # row by row, left to right: where each run starts ...
    end = np.nonzero(steps == -1)[1]           # ... and where it ends, in the same order
    parts = []
    if len(line):
        dx = start.copy()
        dx[1:] -= end[:-1]
        dy = np.diff(line).tolist()
        dx[0] += BORDER
        first_y = BORDER + int(line[0]) + 0.5
        lengths = (end - start).tolist()
        dxs = dx.tolist()
        parts.append(f"M{dxs[0]} {first_y}h{lengths[0]}")
        parts += [f"m{x} {y}h{length}" for x, y, length in zip(dxs[1:], dy, lengths[1:], strict=True)]
    width = (size + 2 * BORDER) * scale
    transform = f' transform="scale({scale})"' if scale != 1 else ""
    titled = f"<title>{escape(title)}</title>" if title else ""
    return (f'<svg width="{width}" height="{width}" class="segno">{titled}<path{transform} class="qrline" '
            f'stroke="#000" d="{"".join(parts)}"/></svg>')


def _level(error: str) -> int:
    from segno import consts

    return {"l": consts.ERROR_LEVEL_L, "m": consts.ERROR_LEVEL_M, "q": consts.ERROR_LEVEL_Q,
            "h": consts.ERROR_LEVEL_H}[error.lower()]


def _version(length: int, level: int) -> int | None:
    """The smallest version whose data capacity holds the mode indicator, the count and the bytes."""
    from segno import consts, encoder

    tables: Any = consts   # segno's tables, untyped
    for version in range(1, 41):
        count_bits = consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][encoder.version_range(version)]
        if length < 1 << count_bits and tables.SYMBOL_CAPACITY[version][level] >= 4 + count_bits + 8 * length:
            return version
    return None


def _codewords(data: bytes, version: int, level: int) -> bytes:
    """The final message: the data codewords (mode, count, bytes, terminator, padding and pad codewords as
    segno writes them) in their blocks, interleaved, then the blocks' error correction codewords."""
    from segno import consts, encoder

    tables: Any = consts   # segno's tables, untyped
    count_bits = tables.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][encoder.version_range(version)]
    capacity = tables.SYMBOL_CAPACITY[version][level]
    bits = "0100" + format(len(data), f"0{count_bits}b") + format(int.from_bytes(data, "big"), f"0{8 * len(data)}b") \
        if data else "0100" + "0" * count_bits
    bits += "0" * min(capacity - len(bits), tables.TERMINATOR_LENGTH[None])
    bits += "0" * (8 - len(bits) % 8)   # segno adds a whole zero byte when the bits end on a byte boundary
    pads = capacity // 8 - len(bits) // 8
    bits += ("1110110000010001" * (pads // 2 + 1))[:8 * max(pads, 0)]
    stream = int(bits, 2).to_bytes(len(bits) // 8, "big")
    data_blocks, error_blocks = [], []
    offset = 0
    for info in tables.ECC[version][level]:
        errors = info.num_total - info.num_data
        for _ in range(info.num_blocks):
            block = stream[offset:offset + info.num_data]
            offset += info.num_data
            data_blocks.append(block)
            error_blocks.append(_remainder(block, errors))
    return bytes(byte for column in zip_longest(*data_blocks) for byte in column if byte is not None) + \
        bytes(byte for column in zip_longest(*error_blocks) for byte in column if byte is not None)


def _remainder(block: bytes, errors: int) -> bytes:
    """The Reed-Solomon error correction codewords of a block: the remainder of the block (times x^errors)
    divided by the generator polynomial, computed a byte at a time with one table lookup each."""
    table = _generator_table(errors)
    shift = 8 * (errors - 1)
    mask = (1 << (8 * errors)) - 1
    remainder = 0
    for byte in block:
        lead = (remainder >> shift) ^ byte
        remainder = ((remainder << 8) & mask) ^ table[lead]
    return remainder.to_bytes(errors, "big")


@cache
def _generator_table(errors: int) -> tuple[int, ...]:
    """For each leading coefficient, the generator polynomial times it (its non-leading coefficients), as
    one integer of `errors` bytes."""
    from segno import consts

    exp, log, generator = consts.GALIOS_EXP, consts.GALIOS_LOG, consts.GEN_POLY[errors]
    table = [0]
    for lead in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[lead] + g] for g in generator), "big"))
    return tuple(table)


@cache
def _layout(version: int) -> tuple[Any, Any, Any]:
    """A version's function patterns (the matrix before its codewords; the format and version areas light),
    the flat index of each codeword bit's module in placement order, and its eight data masks (1 where a mask
    flips a module of the encoding region), from segno's own matrix functions."""
    import numpy as np
    from segno import encoder

    size = encoder.calc_matrix_size(version)
    base = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(base, size, size)
    encoder.add_alignment_patterns(base, size, size)
    free = sum(row.count(2) for row in base)
    numbered = tuple(list(row) for row in base)   # lists: segno writes each bit's number where it goes
    encoder.add_codewords(numbered, [13 + index for index in range(free)], version)
    order = np.empty(free, dtype=np.int64)
    for i, row in enumerate(numbered):
        for j, cell in enumerate(row):
            if cell >= 13:
                order[cell - 13] = i * size + j
    patterns = np.array([[list(row) for row in base]], dtype=np.uint8)[0]
    region = patterns == 2
    patterns[region] = 0
    i, j = np.indices((size, size))
    flips = np.stack([(i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0, (i // 2 + j // 3) % 2 == 0,
                      (i * j) % 2 + (i * j) % 3 == 0, ((i * j) % 2 + (i * j) % 3) % 2 == 0,
                      ((i + j) % 2 + (i * j) % 3) % 2 == 0]) & region
    return patterns, order, flips.astype(np.uint8)


def _best_masked(version: int, codewords: bytes) -> tuple[Any, int]:
    """The matrix with its codewords under the mask of lowest penalty (the first of equal ones), and that mask."""
    import numpy as np

    patterns, order, flips = _layout(version)
    bits = np.unpackbits(np.frombuffer(codewords, dtype=np.uint8))
    plain = patterns.copy().reshape(-1)
    plain[order[:len(bits)]] = bits   # the remainder bits after the last codeword stay light
    masked = plain.reshape(patterns.shape)[None, :, :] ^ flips
    scores = _penalties(masked)
    best = min(range(8), key=lambda number: (scores[number], number))
    return masked[best], best


def _penalties(masked: Any) -> list[int]:
    """The penalty score (N1 + N2 + N3 + N4) of each of the eight masked matrices, as segno counts it."""
    import numpy as np

    size = masked.shape[1]
    n1 = _runs_of_five(masked) + _runs_of_five(masked.transpose(0, 2, 1))
    same = masked[:, 1:, 1:] == masked[:, 1:, :-1]
    same &= masked[:, 1:, 1:] == masked[:, :-1, 1:]
    same &= masked[:, 1:, 1:] == masked[:, :-1, :-1]
    n2 = 3 * same.sum(axis=(1, 2))
    dark = masked.sum(axis=(1, 2), dtype=np.int64)
    n3 = _finder_like(masked) + _finder_like(masked.transpose(0, 2, 1))
    scores = []
    for number in range(8):
        percent = float(dark[number]) / (size ** 2)
        n4 = 10 * int(abs(percent * 100 - 50) / 5)
        scores.append(int(n1[number]) + int(n2[number]) + int(n3[number]) + n4)
    return scores


def _runs_of_five(masked: Any) -> Any:
    """Per matrix, over its rows: each run of five or more modules of one colour counts its length - 2.
    That is the windows of five equal modules (a run of L has L - 4) plus 2 for each run's first window."""
    equal = masked[:, :, 1:] == masked[:, :, :-1]
    windows = equal[:, :, :-3] & equal[:, :, 1:-2] & equal[:, :, 2:-1] & equal[:, :, 3:]
    first = windows[:, :, 0].sum(axis=1) + (windows[:, :, 1:] & ~equal[:, :, :-4]).sum(axis=(1, 2))
    return windows.sum(axis=(1, 2)) + 2 * first


def _finder_like(masked: Any) -> Any:
    """Per matrix, over its rows: 40 for each 1:1:3:1:1 pattern with four light modules (or the edge) before
    or after it. segno searches a row left to right and, after a pattern it counts, goes on after it: a
    pattern overlapping a counted one is not counted. Rows with overlapping patterns (rare) are searched as
    segno searches them; the others are counted at once."""
    import numpy as np

    count, size = masked.shape[0], masked.shape[2]
    span = size - 6
    found = np.ones((count, size, span), dtype=bool)
    for offset, bit in enumerate(N3_PATTERN):
        found &= masked[:, :, offset:offset + span] == bit
    dark = np.zeros((count, size, size + 1), dtype=np.int32)
    np.cumsum(masked, axis=2, out=dark[:, :, 1:])
    index = np.arange(span)
    before = dark[:, :, index] - dark[:, :, np.maximum(index - 4, 0)]
    after = dark[:, :, np.minimum(index + 11, size)] - dark[:, :, index + 7]
    counted = found & ((before == 0) | (after == 0))
    counted[:, :, 0] |= found[:, :, 0]
    counted[:, :, span - 1] |= found[:, :, span - 1]
    overlapping = np.zeros((count, size), dtype=bool)
    for distance in range(1, 7):
        overlapping |= (found[:, :, :-distance] & found[:, :, distance:]).any(axis=2)
    counted[overlapping] = False
    totals = 40 * counted.sum(axis=(1, 2))
    for number, row in zip(*np.nonzero(overlapping), strict=True):
        totals[number] += _searched(masked[number, row].tobytes())
    return totals


def _searched(row: bytes) -> int:
    """A row's patterns counted as segno searches for them; after one that has neither four light modules
    before nor after it, the next search starts at its fourth module."""
    size, total = len(row), 0
    index = row.find(N3_PATTERN)
    while index != -1:
        end = index + 7
        if index in (0, size - 7) or not any(row[max(index - 4, 0):index]) or not any(row[end:end + 4]):
            total += 40
        else:
            end = index + 4
        index = row.find(N3_PATTERN, end)
    return total
