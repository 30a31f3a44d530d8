"""Small realistic camt statements written from the ISO 20022 camt.052/053/054 message descriptions
(versions .001.02 and .001.08), for the tests that read them both ways (tests/test_bank_camt_stream.py).

Each sample is the text of one file. They hold what real bank files hold: several statements, batch
entries with several TxDtls (own amounts, own indicators, AmtDtls), reversals (RvslInd, RtrInf),
related parties with and without Pty, ultimate parties, Ustrd lines and Strd/CdtrRefInf references,
referred documents, missing optional elements, pending entries, dates as DtTm, and lines that cannot
be read (a bad amount, 30 February, no indicator).
"""

from __future__ import annotations

NS_02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
NS_08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def balance(kind: str, amount: str, day: str, indicator: str = "CRDT", currency: str = "EUR") -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{currency}\">{amount}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")


def party(role: str, name: str, iban: str = "", *, pty: bool = False) -> str:
    named = f"<Pty><Nm>{name}</Nm></Pty>" if pty else f"<Nm>{name}</Nm>"
    account = f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>" if iban else ""
    return f"<{role}>{named}</{role}>{account}"


def tx(*, amount: str = "", indicator: str = "", ref: str = "", e2e: str = "", parties: str = "",
       rmt: str = "", extra: str = "", amt_dtls: str = "") -> str:
    refs = ""
    if ref or e2e:
        refs = ("<Refs>" + (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "")
                + (f"<EndToEndId>{e2e}</EndToEndId>" if e2e else "") + "</Refs>")
    own_amount = f"<Amt Ccy=\"EUR\">{amount}</Amt>" if amount else ""
    own_indicator = f"<CdtDbtInd>{indicator}</CdtDbtInd>" if indicator else ""
    return (f"<TxDtls>{refs}{own_amount}{own_indicator}{amt_dtls}"
            f"{f'<RltdPties>{parties}</RltdPties>' if parties else ''}"
            f"{f'<RmtInf>{rmt}</RmtInf>' if rmt else ''}{extra}</TxDtls>")


def ntry(amount: str, indicator: str = "CRDT", *, status: str = "<Sts>BOOK</Sts>", booked: str = "2026-03-02",
         valued: str = "2026-03-02", ref: str = "", details: str = "", reversal: str = "", info: str = "",
         currency: str = "EUR", batch: str = "") -> str:
    dates = ((f"<BookgDt><Dt>{booked}</Dt></BookgDt>" if booked else "")
             + (f"<ValDt><Dt>{valued}</Dt></ValDt>" if valued else ""))
    return (f"<Ntry><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>"
            f"{f'<RvslInd>{reversal}</RvslInd>' if reversal else ''}{status}{dates}"
            f"{f'<AcctSvcrRef>{ref}</AcctSvcrRef>' if ref else ''}"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
            f"{f'<NtryDtls>{batch}{details}</NtryDtls>' if details or batch else ''}"
            f"{f'<AddtlNtryInf>{info}</AddtlNtryInf>' if info else ''}</Ntry>")


def statement(ident: str, iban: str, body: str, *, tag: str = "Stmt", currency: str = "EUR") -> str:
    return (f"<{tag}><Id>{ident}</Id><ElctrncSeqNb>12</ElctrncSeqNb><CreDtTm>2026-03-03T06:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{currency}</Ccy><Ownr><Nm>Voorbeeld BV</Nm></Ownr></Acct>"
            f"{body}</{tag}>")


def document(statements: str, *, ns: str = NS_02, message: str = "BkToCstmrStmt", attributes: str = "") -> str:
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"{ns}\"{attributes}>"
            f"<{message}><GrpHdr><MsgId>MSG-20260303</MsgId><CreDtTm>2026-03-03T06:00:00</CreDtTm></GrpHdr>"
            f"{statements}</{message}></Document>\n")


def pretty(text: str, newline: str = "\n") -> str:
    """One element per line, as many banks write them (the line numbers of entries then differ)."""
    return text.replace("><", ">" + newline + "<")


OWN = "BE05068123456775"

# A Belgian camt.053.001.02: two statements, batches, reversals, every kind of remittance.
BELGIAN_02 = document(
    statement("2026-061", OWN,
              balance("OPBD", "1520.00", "2026-03-01") + balance("CLBD", "4185.05", "2026-03-02")
              + "<TxsSummry><TtlNtries><NbOfNtries>6</NbOfNtries></TtlNtries></TxsSummry>"
              + ntry("266.20", ref="202603020001", details=tx(
                  ref="202603020001", e2e="E2E-9971",
                  parties=party("Dbtr", "Imprimerie Léonard SRL", "BE88523877982441"),
                  rmt="<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
                      "<Ref>202604652859</Ref></CdtrRefInf></Strd>"))
              + ntry("1500.00", ref="202603020002", batch="<Btch><NbOfTxs>3</NbOfTxs></Btch>", details=(
                  tx(amount="1000.00", ref="202603020002-A", e2e="NOTPROVIDED",
                     parties=party("Dbtr", "Janssens  Techniek   NV", "BE20001909111156"),
                     rmt="<Ustrd>Factuur 2026/0412</Ustrd><Ustrd>en 2026/0415</Ustrd>")
                  + tx(amount="700.00", e2e="PAY-77",
                       parties=party("Dbtr", "Bakkerij Peeters", "be68 5390 0754 7034"),
                       rmt="<Strd><RfrdDocInf><Nb>F-2026-77</Nb></RfrdDocInf><AddtlRmtInf>zie bijlage"
                           "</AddtlRmtInf></Strd><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf>"
                           "</Strd><Strd><CdtrRefInf><Ref>RF71 2026</Ref></CdtrRefInf></Strd>")
                  + tx(amount="200.00", indicator="DBIT", parties=party("Cdtr", "Bank kosten"),
                       extra="<AddtlTxInf>Terugbetaling   teveel</AddtlTxInf>")))
              + ntry("85.95", "DBIT", ref="NONREF", details=tx(
                  e2e="NOTPROVIDED", parties=party("Dbtr", "Voorbeeld BV", OWN) + party("Cdtr", "Proximus NV",
                                                                                         "BE82210000000002"),
                  rmt="<Ustrd>Klantnummer 4411 factuur 88112</Ustrd>"))
              + ntry("915.00", "DBIT", reversal="true", ref="202603020004", details=tx(
                  ref="202603020004", parties=party("Dbtr", "Ouderraad De Linde", "BE84083881046959"),
                  rmt="<Ustrd>Voorschot</Ustrd>",
                  extra="<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>"))
              + ntry("42.10", status="<Sts>PDNG</Sts>", ref="202603020005")
              + ntry("12.00", "DBIT", status="", ref="202603020006", info="Beheerskosten maart")
              + ntry("3000.00", ref="202603020007", details=tx(
                  parties=party("UltmtDbtr", "Holding Claeys") + "<Dbtr></Dbtr>", rmt="<Ustrd>   </Ustrd>"),
                     info="Overschrijving"))
    + statement("2026-061", "BE71096123456769",
                  balance("PRCD", "10.00", "2026-03-01") + balance("CLBD", "9.00", "2026-03-02")
                  + ntry("1.00", "DBIT", details=tx(e2e="E2E-1") + tx(e2e="E2E-2"))
                  + ntry("7.50", ref="X-1", details=tx(amount="7.50", indicator="CRDT")
                         + tx(amt_dtls="<AmtDtls><TxAmt><Amt Ccy=\"EUR\">2.50</Amt></TxAmt></AmtDtls>"))),
    attributes=" " + XSI,
)

# camt.053.001.08 with a namespace prefix, Sts/Cd, Pty/Nm, DtTm and a foreign-currency entry.
PREFIXED_08 = (
    f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns8:Document xmlns:ns8=\"{NS_08}\" {XSI}>\n"
    "<ns8:BkToCstmrStmt><ns8:GrpHdr><ns8:MsgId>M8</ns8:MsgId></ns8:GrpHdr>\n"
    "<ns8:Stmt><ns8:Id>S-08</ns8:Id><ns8:Acct><ns8:Id><ns8:Othr><ns8:Id>0456 7890 12</ns8:Id></ns8:Othr>"
    "</ns8:Id><ns8:Ccy>CHF</ns8:Ccy></ns8:Acct>\n"
    "<ns8:Ntry><ns8:Amt Ccy=\"CHF\">1250.5</ns8:Amt><ns8:CdtDbtInd>CRDT</ns8:CdtDbtInd>"
    "<ns8:Sts><ns8:Cd>BOOK</ns8:Cd></ns8:Sts><ns8:BookgDt><ns8:DtTm>2026-03-02T10:15:00+01:00</ns8:DtTm>"
    "</ns8:BookgDt><ns8:ValDt><ns8:Dt>2026-03-03</ns8:Dt></ns8:ValDt><ns8:AcctSvcrRef>CH-1</ns8:AcctSvcrRef>\n"
    "<ns8:NtryDtls><ns8:TxDtls><ns8:RltdPties><ns8:Dbtr><ns8:Pty><ns8:Nm>Müller AG</ns8:Nm></ns8:Pty>"
    "</ns8:Dbtr><ns8:DbtrAcct><ns8:Id><ns8:IBAN>CH9300762011623852957</ns8:IBAN></ns8:Id></ns8:DbtrAcct>"
    "</ns8:RltdPties><ns8:RmtInf><ns8:Strd><ns8:CdtrRefInf><ns8:Tp><ns8:CdOrPrtry><ns8:Prtry>QRR"
    "</ns8:Prtry></ns8:CdOrPrtry></ns8:Tp><ns8:Ref>210000000003139471430009017</ns8:Ref></ns8:CdtrRefInf>"
    "</ns8:Strd></ns8:RmtInf></ns8:TxDtls></ns8:NtryDtls></ns8:Ntry>\n"
    "<ns8:Ntry><ns8:Amt Ccy=\"EUR\">99.99</ns8:Amt><ns8:CdtDbtInd>DBIT</ns8:CdtDbtInd>"
    "<ns8:Sts><ns8:Cd>INFO</ns8:Cd></ns8:Sts></ns8:Ntry>\n"
    "<ns8:Ntry><ns8:Amt Ccy=\"EUR\">20.00</ns8:Amt><ns8:CdtDbtInd>DBIT</ns8:CdtDbtInd>"
    "<ns8:Sts><ns8:Cd>BOOK</ns8:Cd></ns8:Sts><ns8:ValDt><ns8:Dt>2026-03-04</ns8:Dt></ns8:ValDt>"
    "<ns8:NtryDtls><ns8:TxDtls><ns8:RltdPties><ns8:Cdtr><ns8:Pty><ns8:Nm>SBB CFF FFS</ns8:Nm></ns8:Pty>"
    "</ns8:Cdtr><ns8:UltmtCdtr><ns8:Pty><ns8:Nm>Ticketshop</ns8:Nm></ns8:Pty></ns8:UltmtCdtr>"
    "</ns8:RltdPties><ns8:Refs><ns8:EndToEndId>TICKET-4471</ns8:EndToEndId></ns8:Refs></ns8:TxDtls>"
    "</ns8:NtryDtls></ns8:Ntry>\n"
    "</ns8:Stmt></ns8:BkToCstmrStmt></ns8:Document>\n"
)

# Lines that cannot be read, in a .001.08 statement: each is an error or a warning at its own line.
DAMAGED_08 = document(
    statement("S-BAD", "NL91ABNA0417164300",
              balance("OPBD", "0.00", "2026-03-01")
              + ntry("12,50", ref="BAD-AMOUNT")
              + ntry("40.00", booked="2026-02-30", ref="BAD-DATE")
              + ntry("5.00", indicator="", ref="NO-INDICATOR")
              + ntry("", ref="EMPTY-AMOUNT")
              + ntry("10.00", booked="", valued="2026-03-05", ref="VALUE-ONLY")
              + ntry("10.00", booked="", valued="", ref="NO-DATES")
              + ntry("30.00", ref="SPLIT-OFF", details=tx(amount="10.00") + tx(amount="15.00"))
              + ntry("30.00", ref="SPLIT-USD", details=tx(amount="10.00") + tx(
                  amt_dtls="<AmtDtls><TxAmt><Amt Ccy=\"USD\">20.00</Amt></TxAmt></AmtDtls>"))
              + ntry("-3.00", ref="NEGATIVE")
              + ntry("4.00", currency="XYZ", ref="BAD-CURRENCY")
              + ntry("8.00", batch="<Btch><NbOfTxs>4</NbOfTxs></Btch>", ref="BATCH-NO-DETAILS")
              + ntry("8.00", ref="DUP") + ntry("8.00", ref="DUP")
              + ntry("9.00") + ntry("9.00")
              + balance("CLBD", "1.00", "2026-03-05")),
    ns=NS_08,
)

# A camt.054 notification and a camt.052 report (other statement elements, same entries).
NOTIFICATION_054 = document(statement("N-1", OWN, ntry("66.00", details=tx(
    ref="054-1", parties=party("Dbtr", "Garage Janssens", "BE20001909111156"),
    rmt="<Ustrd>+++090/9337/55493+++</Ustrd>")), tag="Ntfctn"),
    ns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08", message="BkToCstmrDbtCdtNtfctn")
REPORT_052 = document(statement("R-1", OWN, balance("ITBD", "5.00", "2026-03-02")
                                + ntry("5.00", ref="052-1"), tag="Rpt"),
                      ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02", message="BkToCstmrAcctRpt")

# A statement without a namespace, and one whose balance and entries stand in another order.
NO_NAMESPACE = BELGIAN_02.replace(f' xmlns="{NS_02}"', "")
WITH_COMMENT = BELGIAN_02.replace("<TxsSummry>", "<!-- totals follow: <Ntry> is not an entry here -->\n<TxsSummry>")
BALANCE_AFTER_ENTRIES = document(statement("S-ORDER", OWN, ntry("1.00", ref="O-1")
                                           + balance("CLBD", "1.00", "2026-03-02") + ntry("2.00", ref="O-2")))
EMPTY_STATEMENT = document(statement("S-EMPTY", OWN, balance("OPBD", "5.00", "2026-03-01")
                                     + balance("CLBD", "6.00", "2026-03-02")))

SAMPLES = {
    "belgian_02": BELGIAN_02,
    "belgian_02_pretty": pretty(BELGIAN_02),
    "belgian_02_pretty_crlf": pretty(BELGIAN_02, "\r\n"),
    "prefixed_08": PREFIXED_08,
    "prefixed_08_pretty": pretty(PREFIXED_08),
    "damaged_08": DAMAGED_08,
    "damaged_08_pretty": pretty(DAMAGED_08),
    "notification_054": NOTIFICATION_054,
    "report_052": REPORT_052,
    "no_namespace": NO_NAMESPACE,
    "with_comment": WITH_COMMENT,
    "balance_after_entries": BALANCE_AFTER_ENTRIES,
    "empty_statement": EMPTY_STATEMENT,
}
