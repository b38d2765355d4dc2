"""Generated artefacts stay in step with model/fields.py: docs/schema.md and the shipped XSD."""

from pathlib import Path

from lxml import etree

from auditor.ingest.xsd import render_xsd, schema, shipped_xsd_text
from auditor.model.docs import render_schema_markdown
from auditor.model.fields import TABLES

ROOT = Path(__file__).resolve().parents[2]


def test_schema_doc_is_current():
    current = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert current == render_schema_markdown(), (
        "docs/schema.md is stale: python -c 'from auditor.model.docs import write_schema_doc; write_schema_doc()'")


def test_schema_doc_lists_every_field():
    text = render_schema_markdown()
    for fields in TABLES.values():
        for f in fields:
            assert f"| `{f.name}` | {f.zh} |" in text.replace("\\|", "|")


def test_shipped_xsd_is_current_and_compiles():
    assert shipped_xsd_text() == render_xsd(), (
        "cases.xsd is stale: python -c \"from auditor.ingest.xsd import render_xsd; "
        "open('src/auditor/data/schema/cases.xsd','w').write(render_xsd())\"")
    assert isinstance(schema(), etree.XMLSchema)


def test_xsd_checks_values():
    ok = etree.fromstring("<case><case_id>A</case_id><filing_date>2024-02-29</filing_date>"
                          "<fine_amount>12.50</fine_amount><serious_harm>是</serious_harm></case>".encode())
    bad = etree.fromstring(b"<case><filing_date>2025-02-29</filing_date></case>")
    assert schema().validate(ok)
    assert not schema().validate(bad)
