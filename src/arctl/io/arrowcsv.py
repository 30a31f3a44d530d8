"""The fast reader of a plain delimited text export: pyarrow's multi-threaded CSV parser, all columns as strings.

It reads only what it can read exactly as the exact reader (`io.table`) would: UTF-8 or Windows-1252 text with
one record per physical line after the header (no line breaks inside quotes, no blank lines, no ragged rows).
Anything else (other encodings, comment lines, a record count that is not the line count, a parser error) makes
it answer None, and the caller reads the file the exact way, which reports such files line by line.
"""

from __future__ import annotations

import pandas as pd

FAST_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "ascii": "utf-8", "cp1252": "cp1252"}
_BOM = b"\xef\xbb\xbf"


def arrow_records(raw: bytes, encoding: str, delimiter: str, header_line: int, width: int,
                  field_limit: int) -> pd.DataFrame | None:
    """The data records after the first `header_line` lines as a frame of `width` string columns (named 0..width-1),
    record i standing on line header_line + 1 + i; None when the file needs the exact reader."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    kind = FAST_ENCODINGS.get(encoding)
    if kind is None or width < 1 or len(delimiter) != 1 or delimiter in "\r\n\"":
        return None
    data = raw.decode("cp1252", errors="replace").encode("utf-8") if kind == "cp1252" else raw
    start = len(_BOM) if data.startswith(_BOM) else 0
    if b"\n" not in data:  # one line, or old Mac line ends: the exact reader
        return None
    offset = start
    for _ in range(header_line):
        offset = data.find(b"\n", offset) + 1
        if offset == 0:
            return None
    lines = data.count(b"\n", offset) + (0 if data.endswith(b"\n") else 1)
    if offset >= len(data) or lines == 0:
        return None
    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[offset:]),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # ragged rows, broken quoting, invalid UTF-8: the exact reader reads the file and names each bad row
        return None
    if table.num_rows != lines or _longest(table) > field_limit:
        return None
    frame = table.to_pandas()
    frame.columns = range(width)
    return frame


def _longest(table) -> int:
    """The longest field in bytes (a bound of its characters): the exact reader refuses fields past its limit."""
    import pyarrow.compute as pc

    return max((pc.max(pc.binary_length(column)).as_py() or 0 for column in table.columns), default=0)
