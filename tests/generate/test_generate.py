"""The sample-export generator: determinism, forms, realism, and that clean cases are legally clean.

The checks in `legal_failures` are written from LEGAL_REFERENCE.md independently of the generator
(own working-day arithmetic on chinese_calendar): a clean case must fail none of them, and a case
with an injected violation must fail exactly the check named by its rule id.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from click.testing import CliRunner
from lxml import etree

from auditor.cli import main
from auditor.generate import generate_export
from auditor.generate.lifecycle import FUTURE_FIELDS, WORKDAY_FIELDS
from auditor.generate.violations import REGISTRY
from auditor.idcodes import valid_credit_code, valid_id_card
from auditor.model.fields import OPEN_STATUSES, STATUSES, TABLES, field_of
from auditor.model.values import parse_value

AS_OF = date(2026, 11, 25)
REPO = Path(__file__).resolve().parents[2]
SQUADS = [f"{n}综合行政执法队" for n in (
    "静安寺街道", "曹家渡街道", "江宁路街道", "石门二路街道", "南京西路街道", "天目西路街道", "北站街道",
    "宝山路街道", "芷江西路街道", "共和新路街道", "大宁路街道", "彭浦新村街道", "临汾路街道", "彭浦镇")] + [
    "机动执法中队", "铁路上海站执法中队"]


# -- reading the export back (independent of auditor.ingest) ------------------------------------
def _value(table: str, el) -> object:
    f = field_of(table, el.tag)
    if f.kind in ("list", "enum_list"):
        return tuple(item.text for item in el)
    return parse_value(f, el.text)


def read_xml(out: Path) -> tuple[list[dict], list[dict], list[dict]]:
    cases, recordings, disclosures = [], [], []
    for _, el in etree.iterparse(str(out / "xml" / "cases.xml"), tag="case"):
        case: dict = {}
        for child in el:
            if child.tag == "recordings":
                for r in child:
                    recordings.append({"case_id": case["case_id"], **{x.tag: _value("recordings", x) for x in r}})
            else:
                case[child.tag] = _value("cases", child)
        cases.append(case)
        el.clear()
    for _, el in etree.iterparse(str(out / "xml" / "disclosures.xml"), tag="disclosure"):
        disclosures.append({x.tag: _value("disclosures", x) for x in el})
    return cases, recordings, disclosures


def read_csv(out: Path) -> tuple[list[dict], list[dict], list[dict]]:
    tables = []
    for table in ("cases", "recordings", "disclosures"):
        by_zh = {f.zh: f for f in TABLES[table]}
        with open(out / "csv" / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        header = [by_zh[h] for h in rows[0]]
        tables.append([{f.name: parse_value(f, text) for f, text in zip(header, row) if text != ""}
                       for row in rows[1:]])
    return tables[0], tables[1], tables[2]


def read_truth(out: Path) -> dict[str, set[str]]:
    with open(out / "truth.csv", encoding="utf-8", newline="") as fh:
        return {r["case_id"]: set(filter(None, r["violations"].split(";"))) for r in csv.DictReader(fh)}


# The kinds shipped with the generator; `legal_failures` names exactly these. Kinds the rule pack
# added later (violations_*.py) have their own exactness tests, so cases carrying them are skipped
# where a test checks case content.
ORIGINAL = {"ZT-ID-CHECK", "ZT-CREDIT-CHECK", "JL-OFFICERS-CASE", "CX-SERVICE-LATE", "CQ-HANDLING-LATE"}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    summary = generate_export(out, 1600, seed=11, violation_rate=0.3, as_of=AS_OF)
    cases, recordings, disclosures = read_xml(out)
    return out, summary, cases, recordings, disclosures, read_truth(out)


# -- working days, computed here from chinese_calendar -------------------------------------------
def is_workday(d: date) -> bool:
    return chinese_calendar.is_workday(d)


def wd_after(d: date, n: int) -> date:
    while n:
        d += timedelta(days=1)
        n -= is_workday(d)
    return d


def wd_between(a: date, b: date) -> int:
    """Working days d with a < d <= b."""
    return sum(is_workday(a + timedelta(days=k)) for k in range(1, (b - a).days + 1))


def roll(d: date) -> date:
    return d if is_workday(d) else wd_after(d, 1)


def add_months(d: date, m: int) -> date:
    y, mo = divmod(d.month - 1 + m, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(d.year + y, mo + 1, day)
        except ValueError:
            pass
    raise AssertionError


OFFICER = re.compile(r"^[\u4e00-\u9fff]{2,4}\(\d{11}\)$")
REQUIRED_DISCLOSURE = ("party_name", "party_category", "decision_no", "violation_type", "violation_facts",
                       "penalty_basis", "penalty_category", "penalty_content", "decision_date", "validity_until",
                       "authority", "authority_code", "data_source", "data_source_code")


def legal_failures(c: dict, recs: list[dict], disc: dict | None, as_of: date) -> set[str]:
    """The checks of LEGAL_REFERENCE.md "Audit rules these imply" that the data can show."""
    bad: set[str] = set()
    individual = c["party_type"] in ("自然人", "个体工商户")
    if c["party_type"] == "自然人":
        if not valid_id_card(c["party_id"]):
            bad.add("ZT-ID-CHECK")
    elif not valid_credit_code(c["party_id"]):
        bad.add("ZT-CREDIT-CHECK")
    officers = c.get("officers", ())
    if len(officers) < 2 or not all(OFFICER.match(o) for o in officers):
        bad.add("JL-OFFICERS-CASE")
    names = {o.split("(")[0] for o in officers}
    closure = c.get("closure_date")
    for r in recs:
        if len(r["officers"]) < 2 or not all(OFFICER.match(o) for o in r["officers"]):
            bad.add("recording-officers")
        if not r.get("file_ref") or not timedelta(0) < r["uploaded_at"] - r["recorded_at"] <= timedelta(days=1):
            bad.add("recording-storage")
        if r["recorded_at"].date() < c["discovery_date"] or (closure and r["recorded_at"].date() > closure):
            bad.add("recording-window")
    if (c["discovery_date"] - c["violation_date"]).days > 730:
        bad.add("limitation")
    dec, filing, svc = c.get("decision_date"), c["filing_date"], c.get("service_date")
    fine = c.get("fine_amount")
    revoked = "revocation_date" in c
    if c["procedure"] == "普通程序":
        bad |= {f"workday:{f}" for f in WORKDAY_FIELDS if c.get(f) and not is_workday(c[f])}
        stages = {r["stage"] for r in recs}
        if "现场检查" not in stages or ("investigation_end_date" in c and "调查取证" not in stages):
            bad.add("recording-stages")
        if dec:
            notice = c.get("notice_date")
            if notice is None or dec <= wd_after(notice, 5):
                bad.add("statement-period")
            if (dec - filing).days > 90 + (c.get("extension_days") or 0):
                bad.add("CQ-HANDLING-LATE")
            if c.get("extension_days") and not c.get("extension_approver"):
                bad.add("extension-approver")
            if c.get("hearing_date"):
                if c["hearing_request_date"] > wd_after(notice, 5):
                    bad.add("hearing-request")
                if wd_between(c["hearing_notice_date"], c["hearing_date"]) < 7 or c["hearing_date"] >= dec:
                    bad.add("hearing-notice")
            if (fine or 0) >= (5000 if individual else 50000) or c.get("hearing_date"):
                review = c.get("legal_review_date")
                if (review is None or review >= dec or not c.get("legal_reviewer_qualified")
                        or not c.get("legal_review_opinion") or c.get("legal_review_result") == "不同意"
                        or c.get("legal_reviewer") in names):
                    bad.add("legal-review")
                discussion = c.get("collective_discussion_date")
                if discussion is None or discussion >= dec:
                    bad.add("collective-discussion")
            if c.get("seizure_date") and (dec - c["seizure_date"]).days > 30:
                bad.add("seizure-term")
            if not revoked and wd_after(dec, 7) <= as_of and (
                    not c.get("disclosure_date") or c["disclosure_date"] > wd_after(dec, 7)):
                bad.add("disclosure-late")
            if svc is None and wd_after(dec, 7) < as_of:
                bad.add("not-served")
        if c.get("disclosure_date"):
            if disc is None or any(not disc.get(k) for k in REQUIRED_DISCLOSURE):
                bad.add("disclosure-record")
            elif (round(disc["fine_amount_wan"] * 10000, 2) != float(fine) or disc["decision_date"] != dec
                  or disc["disclosure_date"] != c["disclosure_date"]):
                bad.add("disclosure-mismatch")
            elif c["party_type"] == "自然人" and not (
                    disc["party_name"].endswith("*") and disc["party_id"].startswith("*")
                    and disc["party_id"][-4:] == c["party_id"][-4:]):
                bad.add("disclosure-personal-data")
    else:
        limit = 200 if individual else 3000
        if (fine or 0) > limit or not set(c["decision_type"]) <= {"警告", "罚款"}:
            bad.add("summary-scope")
        if disc is not None or c.get("disclosure_date"):
            bad.add("summary-disclosed")
        if svc != dec or c.get("service_method") != "直接送达":
            bad.add("summary-service")
    if dec and svc:
        on_spot = svc == dec and c["service_method"] == "直接送达"
        if not on_spot and svc > wd_after(dec, 7):
            bad.add("CX-SERVICE-LATE")
        if c["service_method"] == "电子送达" and not c.get("e_service_consent"):
            bad.add("e-service-consent")
    if svc and fine and not revoked:
        due = roll(svc + timedelta(days=15))
        pay, demand = c.get("payment_date"), c.get("demand_notice_date")
        if pay is None or pay > due:
            if demand is None and as_of > wd_after(due, 5):
                bad.add("no-demand")
            if demand is not None and demand <= due:
                bad.add("demand-early")
        if c.get("surcharge_amount"):
            cap = min(fine, fine * 0.03 * (pay - due).days)
            if c["surcharge_amount"] > cap + 0.005:
                bad.add("surcharge-cap")
        app = c.get("enforcement_application_date")
        if app:
            if app < wd_after(demand, 10) or not add_months(svc, 6) <= app <= add_months(svc, 9):
                bad.add("court-window")
        elif pay is None and as_of > add_months(svc, 9):
            bad.add("no-court")
        if pay and c.get("paid_amount") is not None and c["paid_amount"] < fine:
            bad.add("underpaid")
    if revoked:
        if not (c.get("revocation_reason") and c.get("revocation_approver")):
            bad.add("revocation-approval")
        w = c.get("disclosure_withdrawn_date")
        if c.get("disclosure_date") and ((w and w > wd_after(c["revocation_date"], 3))
                                         or (not w and wd_after(c["revocation_date"], 3) <= as_of)):
            bad.add("withdrawal-late")
        if disc is not None and disc.get("withdrawn_date") != w:
            bad.add("withdrawal-mismatch")
    if c.get("termination_date") and not (c.get("termination_reason") and c.get("termination_approver")):
        bad.add("termination-approval")
    if closure:
        latest = max(v for k, v in c.items() if isinstance(v, date) and k != "closure_date")
        if closure < latest:
            bad.add("closure-before-events")
    if (c["status"] == "已结案" and not closure) or (c["status"] in OPEN_STATUSES and closure):
        bad.add("status")
    return bad


# -- tests ---------------------------------------------------------------------------------------
def test_same_arguments_give_byte_identical_files(tmp_path):
    a, b, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_export(a, 150, seed=3, violation_rate=0.2, as_of=AS_OF)
    generate_export(b, 150, seed=3, violation_rate=0.2, as_of=AS_OF)
    generate_export(other, 150, seed=4, violation_rate=0.2, as_of=AS_OF)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert [str(f) for f in files] == ["csv/cases.csv", "csv/disclosures.csv", "csv/recordings.csv",
                                       "truth.csv", "xml/cases.xml", "xml/disclosures.xml"]
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert (a / "xml/cases.xml").read_bytes() != (other / "xml/cases.xml").read_bytes()


def test_a_case_does_not_depend_on_the_number_of_cases(tmp_path):
    generate_export(tmp_path / "small", 40, seed=8, as_of=AS_OF)
    generate_export(tmp_path / "big", 90, seed=8, as_of=AS_OF)
    small = (tmp_path / "small/truth.csv").read_text(encoding="utf-8").splitlines()
    big = (tmp_path / "big/truth.csv").read_text(encoding="utf-8").splitlines()
    assert big[:41] == small and len(big) == 91
    s_xml = (tmp_path / "small/xml/cases.xml").read_text(encoding="utf-8")
    b_xml = (tmp_path / "big/xml/cases.xml").read_text(encoding="utf-8")
    assert b_xml.startswith(s_xml.removesuffix("</cases>\n"))


def test_xml_and_csv_hold_the_same_values(export):
    out, summary, cases, recordings, disclosures, _ = export
    assert read_csv(out) == (cases, recordings, disclosures)
    assert (len(cases), len(recordings), len(disclosures)) == (summary.cases, summary.recordings, summary.disclosures)
    raw = (out / "csv/cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\xe6\xa1\x88\xe4\xbb\xb6\xe7\xbc\x96\xe5\x8f\xb7,")  # BOM + 案件编号,


def test_xml_validates_against_the_shipped_xsd(export):
    out = export[0]
    schema = etree.XMLSchema(etree.parse(str(REPO / "src/auditor/data/schema/cases.xsd")))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for name in ("cases.xml", "disclosures.xml"):
        doc = etree.parse(str(out / "xml" / name), parser)
        assert schema.validate(doc), (name, schema.error_log.last_error)


def test_value_forms(export):
    out = export[0]
    xml_text = (out / "xml/cases.xml").read_text(encoding="utf-8")
    assert '<cases exported_at="2026-11-25T18:00:00" system="网上办案系统">' in xml_text
    assert re.search(r"<decision_type><item>罚款</item></decision_type>", xml_text)
    assert re.search(r"<officers><officer>[^<]+\(\d{11}\)</officer><officer>", xml_text)
    assert re.search(r"<recorded_at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d</recorded_at>", xml_text)
    assert re.search(r"<fine_amount>\d+\.\d\d</fine_amount>", xml_text)
    assert re.search(r"<rights_waived>(true|false)</rights_waived>", xml_text)
    csv_text = (out / "csv/cases.csv").read_text(encoding="utf-8-sig")
    assert re.search(r",\S+\(\d{11}\)、\S+\(\d{11}\),", csv_text)
    assert ",是," in csv_text and ",否," in csv_text
    rec_text = (out / "csv/recordings.csv").read_text(encoding="utf-8-sig")
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", rec_text)
    disc_text = (out / "xml/disclosures.xml").read_text(encoding="utf-8")
    assert re.search(r"<fine_amount_wan>\d+\.\d{4}</fine_amount_wan>", disc_text)


def test_party_identifiers_validate_unless_a_check_digit_was_injected(export):
    _, _, cases, _, disclosures, truth = export
    by_no = {d["decision_no"]: d for d in disclosures}
    n_natural = n_org = 0
    for c in cases:
        if not truth[c["case_id"]] <= ORIGINAL:
            continue
        natural = c["party_type"] == "自然人"
        valid = valid_id_card(c["party_id"]) if natural else valid_credit_code(c["party_id"])
        injected = ("ZT-ID-CHECK" if natural else "ZT-CREDIT-CHECK") in truth[c["case_id"]]
        assert valid != injected, c["case_id"]
        n_natural += natural
        n_org += not natural
        d = by_no.get(c.get("decision_no"))
        if d and not natural:
            assert d["credit_code"] == c["party_id"]
    assert n_natural > 300 and n_org > 300
    assert valid_credit_code(disclosures[0]["authority_code"])


def test_ordinary_events_fall_on_working_days(export):
    cases, truth = export[2], export[5]
    checked = 0
    for c in cases:
        if c["procedure"] != "普通程序" or not truth[c["case_id"]] <= ORIGINAL:
            continue
        for f in WORKDAY_FIELDS:
            if c.get(f):
                assert is_workday(c[f]), (c["case_id"], f, c[f])
                checked += 1
    assert checked > 5000


def test_nothing_is_dated_after_the_as_of_date(export):
    _, _, cases, recordings, disclosures, _ = export
    latest = date.min
    for row in [*cases, *recordings, *disclosures]:
        for k, v in row.items():
            if k in FUTURE_FIELDS:
                continue
            if isinstance(v, datetime):
                v = v.date()
            if isinstance(v, date):
                assert v <= AS_OF, (k, v)
                latest = max(latest, v)
    assert latest >= AS_OF - timedelta(days=7)
    # (CX-FILING-NOT-RECORDED injects cases whose filing date is missing)
    assert min(c["filing_date"] for c in cases if "filing_date" in c) >= date(2024, 1, 1)


def test_all_sixteen_squads_and_a_realistic_mix(export):
    _, summary, cases, recordings, disclosures, truth = export
    assert sorted({c["squad"] for c in cases}) == sorted(SQUADS)
    assert {c["district"] for c in cases} == {"静安区"}
    statuses = summary.statuses
    assert set(statuses) == set(STATUSES)
    assert statuses["已结案"] > 0.8 * len(cases)
    procedures = {p: sum(c["procedure"] == p for c in cases) for p in ("简易程序", "普通程序")}
    assert procedures["简易程序"] > 200 and procedures["普通程序"] > 600
    assert len({c["cause_code"] for c in cases}) >= 10
    assert {c["party_type"] for c in cases} == {"自然人", "法人", "其他组织", "个体工商户"}
    assert sum("hearing_date" in c for c in cases) > 3
    assert sum("extension_days" in c for c in cases) > 3
    assert sum("suspended_days" in c for c in cases) > 10
    assert sum("enforcement_application_date" in c for c in cases) > 10
    assert sum("legal_review_date" in c for c in cases) > 50
    assert {r["stage"] for r in recordings} >= {"现场检查", "调查取证", "询问", "送达", "听证", "查封扣押"}
    assert 2.5 < len(recordings) / len(cases) < 6
    known = [c for c in cases if truth[c["case_id"]] <= ORIGINAL]
    assert all(c["procedure"] == "普通程序" for c in known if "disclosure_date" in c)
    known_nos = {c.get("decision_no") for c in known}
    assert sum(d["decision_no"] in known_nos for d in disclosures) == sum("disclosure_date" in c for c in known)


def test_injected_violations_match_the_rate_and_the_registry(export, tmp_path):
    _, summary, cases, _, _, truth = export
    injected = [v for vs in truth.values() for v in vs]
    assert 0.25 * len(cases) < len(injected) < 0.35 * len(cases)
    assert all(len(vs) <= 1 for vs in truth.values())
    assert ORIGINAL <= set(injected) <= set(REGISTRY)
    assert dict(summary.injected) == {k: injected.count(k) for k in set(injected)}
    none = generate_export(tmp_path / "none", 200, seed=11, violation_rate=0.0, as_of=AS_OF)
    assert sum(none.injected.values()) == 0
    every = generate_export(tmp_path / "all", 200, seed=11, violation_rate=1.0, as_of=AS_OF)
    assert sum(every.injected.values()) == 200


def test_clean_cases_are_legally_clean_and_injected_ones_break_only_their_rule(export):
    _, _, cases, recordings, disclosures, truth = export
    recs: dict[str, list] = {}
    for r in recordings:
        recs.setdefault(r["case_id"], []).append(r)
    by_no = {d["decision_no"]: d for d in disclosures}
    mismatches = {}
    for c in cases:
        if not truth[c["case_id"]] <= ORIGINAL:
            continue
        got = legal_failures(c, recs.get(c["case_id"], []), by_no.get(c.get("decision_no")), AS_OF)
        if got != truth[c["case_id"]]:
            mismatches[c["case_id"]] = (sorted(got), sorted(truth[c["case_id"]]))
    assert not mismatches, list(mismatches.items())[:5]
    assert sum(not v for v in truth.values()) > 1000
    assert sum(bool(v) and v <= ORIGINAL for v in truth.values()) > 20


def test_every_injector_targets_a_rule_of_the_pack(pack):
    assert ORIGINAL <= set(REGISTRY)
    rule_ids = {r.id for r in pack.rules}
    for kind in REGISTRY.values():
        assert kind.id in rule_ids and kind.description and set(kind.states) <= set(STATUSES), kind.id


def test_cli_generates_and_reports(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["generate", "--cases", "30", "--seed", "5", "--out", str(tmp_path / "o"),
                               "--form", "csv"])
    assert res.exit_code == 0, res.output
    assert "已生成 30 件案件" in res.output
    assert (tmp_path / "o/csv/cases.csv").exists() and not (tmp_path / "o/xml").exists()
    res = runner.invoke(main, ["generate", "--cases", "3", "--out", str(tmp_path / "p"), "--as-of", "2027-03-01"])
    assert res.exit_code == 2 and "2027-03-01" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["generate", "--cases", "3", "--out", str(tmp_path / "p"), "--as-of", "2026-02-30"])
    assert res.exit_code == 2 and "--as-of" in res.output
    res = runner.invoke(main, ["generate", "--cases", "3", "--out", str(tmp_path / "p"), "--form", "json"])
    assert res.exit_code == 2 and "json" in res.output


def test_earlier_as_of_date_moves_the_window(tmp_path):
    generate_export(tmp_path, 300, seed=2, as_of=date(2025, 6, 30))
    cases, recordings, _ = read_xml(tmp_path)[:3]
    assert min(c["discovery_date"] for c in cases) >= date(2023, 1, 1)
    assert max(max(v for v in c.values() if isinstance(v, date)) for c in cases) <= date(2025, 6, 30)
    assert max(r["uploaded_at"] for r in recordings) <= datetime(2025, 6, 30, 23, 59, 59)


def _case_blocks(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    blocks = text.split("<case>\n")[1:]
    return {re.search(r"<case_id>([^<]+)</case_id>", b).group(1): b for b in blocks}


def test_committed_sample_fixture_is_current(tmp_path):
    """fixtures/sample is this generator's output. Injected kinds come from a registry that the rule
    pack keeps growing, so the clean cases must match byte for byte and the injected ones must be the
    same cases; regenerate the fixture when a kind is added (the command is in the message)."""
    fixture = REPO / "fixtures" / "sample"
    generate_export(tmp_path, 400, seed=20251, violation_rate=0.1, as_of=AS_OF)
    stale = ("fixtures/sample is stale: run auditor generate --cases 400 --seed 20251 "
             "--as-of 2026-11-25 --violation-rate 0.1 --out fixtures/sample")
    old, new = read_truth(fixture), read_truth(tmp_path)
    assert list(old) == list(new), stale
    assert {k for k, v in old.items() if v} == {k for k, v in new.items() if v}, stale
    clean = {k for k, v in new.items() if not v}
    assert len(clean) > 300
    old_blocks, new_blocks = _case_blocks(fixture / "xml/cases.xml"), _case_blocks(tmp_path / "xml/cases.xml")
    for case_id in clean:
        assert old_blocks[case_id] == new_blocks[case_id], (case_id, stale)
    old_rows = {r[0]: r for r in csv.reader(open(fixture / "csv/cases.csv", encoding="utf-8-sig"))}
    new_rows = {r[0]: r for r in csv.reader(open(tmp_path / "csv/cases.csv", encoding="utf-8-sig"))}
    assert all(old_rows[k] == new_rows[k] for k in clean), stale


def test_text_is_escaped_in_xml_and_quoted_in_csv(tmp_path):
    from auditor.generate.writers import ExportWriter

    case = {"case_id": "X1", "squad": "A&B<队>", "party_name": '上海"甲,乙"有限公司\n分部', "officers": ("张三(31010600001)", "李四(31010600002)"),
            "fine_amount": 1234.5, "rights_waived": False, "filing_date": date(2026, 1, 5)}
    rec = {"stage": "送达", "recorded_at": datetime(2026, 1, 6, 9, 5, 0), "officers": ("张三(31010600001)",)}
    with ExportWriter(tmp_path, ("xml", "csv"), datetime(2026, 1, 7, 18, 0)) as w:
        w.write(case, [rec], None)
    xml_cases, xml_recs, _ = read_xml(tmp_path)
    csv_cases, csv_recs, _ = read_csv(tmp_path)
    assert xml_cases == csv_cases
    assert xml_recs == csv_recs == [{"case_id": "X1", **rec}]
    assert xml_cases[0]["squad"] == "A&B<队>" and xml_cases[0]["party_name"] == case["party_name"]
    assert xml_cases[0]["fine_amount"] == 1234.5 and xml_cases[0]["rights_waived"] is False
    assert "<fine_amount>1234.50</fine_amount>" in (tmp_path / "xml/cases.xml").read_text(encoding="utf-8")


def test_earliest_supported_as_of_date(tmp_path):
    summary = generate_export(tmp_path, 60, seed=1, as_of=date(2006, 3, 1))
    assert summary.cases == 60
    cases = read_xml(tmp_path)[0]
    assert all(date(2004, 1, 1) <= c["filing_date"] <= date(2006, 3, 1) for c in cases)
