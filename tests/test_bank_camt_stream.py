"""The streamed camt read (camt_scan.py, camt_stream.py) gives exactly what the whole-tree read gives.

Every sample of camt_samples.py and every real camt file is read both ways and compared field by field:
lines, order, txn_ids, balances, findings (with their lines) and notices. The files the stream cannot
promise to read alike are read as a whole tree, which the last tests pin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arctl.io.bank.camt import read_camt, read_camt_tree
from arctl.io.bank.camt_scan import scan_camt
from arctl.io.bank.camt_stream import Fallback, stream_camt
from arctl.io.bank.lines import BankRead
from camt_samples import BELGIAN_02, NS_02, SAMPLES, document, ntry, pretty, statement

REAL = ("camt053/oca_abnamro-style_test-camt053.xml", "camt053/genkgo_camt053.v2.minimal.xml",
        "camt053/tryton_be_camt.053.001.02.xml", "camt054/oca_test-camt054.xml")
STREAMED = [name for name in SAMPLES if name not in ("with_comment", "balance_after_entries")]


def write(tmp_path: Path, text: str, name: str = "statement.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def as_data(read: BankRead) -> dict:
    frame = read.frame
    return {"format": read.format, "statements": read.statements, "dtypes": [str(d) for d in frame.dtypes],
            "frame": {column: frame[column].tolist() for column in frame.columns}, "balances": read.balances,
            "findings": read.findings, "notices": read.notices, "stated": read.statement_balances}


def streamed(path: Path) -> BankRead:
    scan = scan_camt(path)
    assert scan is not None, "the scan refused a file it should stream"
    return stream_camt(path, scan)


@pytest.mark.parametrize("name", STREAMED)
def test_a_streamed_sample_reads_as_the_whole_tree_reads_it(tmp_path, name):
    path = write(tmp_path, SAMPLES[name])

    assert as_data(streamed(path)) == as_data(read_camt_tree(path))


@pytest.mark.parametrize("name", REAL)
def test_a_real_file_streams_as_the_whole_tree_reads_it(real_fixture, name):
    path = real_fixture(name)

    assert as_data(streamed(path)) == as_data(read_camt_tree(path))


def test_the_samples_hold_what_they_are_meant_to_show(tmp_path):
    read = streamed(write(tmp_path, SAMPLES["belgian_02_pretty"]))
    frame = read.frame

    assert len(frame) == 11 and read.statements == 2
    assert frame["amount"].tolist() == [26620, 100000, 70000, -20000, -8595, -91500, -1200, 300000, -100, 750, 250]
    assert frame["reversal"].tolist()[5] is True
    assert frame["structured_ref"].tolist()[:3] == ["202604652859", "", "RF18539007547034"]
    assert frame["remittance"].tolist()[2] == "zie bijlage F-2026-77 RF71 2026 EREF PAY-77"
    assert frame["counterparty_name"].tolist()[1:5] == ["Janssens Techniek NV", "Bakkerij Peeters", "Bank kosten",
                                                        "Proximus NV"]
    assert frame["source"].str.rpartition(":")[2].tolist() == ["50", "126", "147", "181", "193", "242", "310",
                                                               "331", "405", "458", "462"]


def test_findings_inside_an_entry_name_the_line_of_the_element_in_a_pretty_printed_file(tmp_path):
    read = streamed(write(tmp_path, SAMPLES["damaged_08_pretty"]))
    by_value = {finding.value: finding for finding in read.findings}

    assert by_value["12,50"].row == 34 and by_value["12,50"].column == "Ntry/Amt"  # the Amt line, not the Ntry line
    assert [finding.row for finding in read.findings] == [finding.row for finding in
                                                          read_camt_tree(tmp_path / "statement.xml").findings]
    assert all(finding.row for finding in read.findings)


def test_windows_line_ends_count_as_unix_ones(tmp_path):
    unix = streamed(write(tmp_path, pretty(BELGIAN_02), "unix.xml"))
    windows = streamed(write(tmp_path, pretty(BELGIAN_02, "\r\n"), "windows.xml"))

    assert windows.frame["source"].str.rpartition(":")[2].tolist() == \
        unix.frame["source"].str.rpartition(":")[2].tolist()


@pytest.mark.parametrize("text", [
    SAMPLES["with_comment"],
    BELGIAN_02.replace("<Document", "<!DOCTYPE Document>\n<Document"),
    BELGIAN_02.replace("<TxsSummry>", "<?bank note?><TxsSummry>"),
    pretty(BELGIAN_02, "\r"),  # expat counts a lone CR as a line end
    BELGIAN_02.replace("<Stmt>", "<Stmt xmlns=\"urn:other\">", 1),  # a second namespace
    BELGIAN_02.replace("Voorschot", "Voorschot xmlns"),  # a declaration the scan cannot tell from text
], ids=["comment", "doctype", "processing-instruction", "lone-cr", "two-namespaces", "xmlns-in-text"])
def test_the_scan_leaves_a_file_it_cannot_vouch_for_to_the_whole_tree(tmp_path, text):
    assert scan_camt(write(tmp_path, text)) is None


def test_a_utf16_file_is_left_to_the_whole_tree(tmp_path):
    path = tmp_path / "utf16.xml"
    path.write_bytes(BELGIAN_02.replace("UTF-8", "UTF-16").encode("utf-16"))

    assert scan_camt(path) is None
    assert as_data(read_camt(path)) == as_data(read_camt_tree(path))


def test_a_balance_after_the_entries_falls_back_to_the_whole_tree_and_reads_alike(tmp_path):
    path = write(tmp_path, SAMPLES["balance_after_entries"])

    with pytest.raises(Fallback):
        streamed(path)
    read = read_camt(path)
    assert as_data(read) == as_data(read_camt_tree(path))
    assert read.statement_balances[0].closing == 100


def test_an_entry_after_another_element_falls_back_to_the_whole_tree(tmp_path):
    text = document(statement("S-1", "BE05068123456775", ntry("1.00", ref="A") + "<AddtlStmtInf>x</AddtlStmtInf>"
                              + ntry("2.00", ref="B")), ns=NS_02)
    path = write(tmp_path, text)

    with pytest.raises(Fallback):
        streamed(path)
    assert read_camt(path).frame["amount"].tolist() == [100, 200]


@pytest.mark.parametrize("name", ["with_comment", "balance_after_entries"])
def test_read_camt_gives_the_whole_tree_reading_for_the_files_it_does_not_stream(tmp_path, name):
    path = write(tmp_path, SAMPLES[name])

    assert as_data(read_camt(path)) == as_data(read_camt_tree(path))


def test_a_truncated_file_gets_the_whole_tree_error_message(tmp_path):
    path = write(tmp_path, BELGIAN_02[:-40])

    with pytest.raises(Exception) as streamed_error:
        read_camt(path)
    with pytest.raises(Exception) as tree_error:
        read_camt_tree(path)
    assert str(streamed_error.value) == str(tree_error.value)
    assert "not well-formed XML" in str(streamed_error.value)


def test_a_statement_without_an_account_gets_the_whole_tree_error_message(tmp_path):
    path = write(tmp_path, SAMPLES["belgian_02_pretty"].replace("<IBAN>BE71096123456769</IBAN>", ""))

    with pytest.raises(Exception) as error:
        read_camt(path)
    assert "line 368: statement '2026-061' names no account" in str(error.value)


@pytest.mark.parametrize("name", ["belgian_02_pretty", "damaged_08"])
def test_records_turned_into_columns_in_small_batches_read_alike(tmp_path, monkeypatch, name):
    """A large statement's records become columns a batch at a time; the batches change nothing."""
    import arctl.io.bank.camt_stream as camt_stream

    monkeypatch.setattr(camt_stream, "BATCH", 2)
    path = write(tmp_path, SAMPLES[name])

    assert as_data(streamed(path)) == as_data(read_camt_tree(path))


def test_the_namespace_tree_finds_what_the_local_name_tree_finds_down_repeated_elements():
    """`A/B` is the first B under any A: the second RmtInf's reference when the first has none."""
    import xml.etree.ElementTree as ET

    from arctl.io.bank.camt_tree import LocalTree, NsTree

    ns = "{urn:x}"
    tx = ET.fromstring('<TxDtls xmlns="urn:x"><RmtInf><Ustrd>a</Ustrd></RmtInf><RmtInf><Strd><CdtrRefInf>'
                       '<Ref>RF18</Ref></CdtrRefInf></Strd><Strd><CdtrRefInf><Ref>RF71</Ref></CdtrRefInf></Strd>'
                       '</RmtInf></TxDtls>')
    fast, slow = NsTree(ns[1:-1]), LocalTree()
    for path in ("RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Ustrd", "RmtInf/Strd", "RmtInf/Nothing", "Nothing/Ref"):
        assert fast.find(tx, path) is slow.find(tx, path)
        assert fast.findall(tx, path) == slow.findall(tx, path)
        assert fast.text(tx, path) == slow.text(tx, path)
    assert fast.text(tx, "RmtInf/Strd/CdtrRefInf/Ref") == "RF18"
